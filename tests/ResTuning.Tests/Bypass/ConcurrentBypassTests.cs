using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>
/// Inference from several threads at once: a bypass over a <see cref="HookTapSource"/>, a <see cref="MultiTaskBypass"/>
/// group, and bypasses sharing one backbone (one source, or two sources hooking it) give, on every call, the output of
/// the single-threaded call. The backbone's MLPs shift their output by one in training mode, and it is left in training
/// mode, so a pass that ran while another thread had switched it back to training mode would show up as a wrong output.
/// </summary>
public class ConcurrentBypassTests(ITestOutputHelper output)
{
    private const int Threads = 4;

    // 4 threads x 500 calls of a batch of two 28x28 images take 2-4 s per test on two shared cores (measured), so no reduction.
    private const int CallsPerThread = 500;

    private static readonly VitConfig Config = new(ImageSize: 28, PatchSize: 7, InChannels: 1, EmbedDim: 32, Depth: 2, NumHeads: 2, MlpDim: 64, NumClasses: 3);

    /// <summary>Adds one to its input in training mode (a dropout would change the tiny ViT's outputs too little to see).</summary>
    private sealed class ShiftInTraining() : nn.Module<Tensor, Tensor>("shift")
    {
        public override Tensor forward(Tensor x) => training ? x + 1 : x.alias();   // a new handle: Sequential disposes its intermediates
    }

    /// <summary>A small ViT whose block MLPs end in <see cref="ShiftInTraining"/>, left in training mode.</summary>
    private static VisionTransformer ModeSensitiveVit()
    {
        var vit = new VisionTransformer(Config);
        foreach (var block in vit.Blocks)
            block.WrapMlp(mlp => nn.Sequential(("inner", mlp), ("shift", new ShiftInTraining())));
        vit.train();
        return vit;
    }

    private static HookTapSource Hooked(VisionTransformer vit, int blocks, bool reenter = false) => new(
        vit,
        start: null,
        taps: vit.Blocks.Take(blocks).Select((block, i) => ($"blocks.{i}", (nn.Module<Tensor, Tensor>)block)),
        reentry: reenter ? new[] { ("norm", (nn.Module<Tensor, Tensor>)vit.Norm) } : null);

    private static ResTuningBypass WithHead(ITapSource source, long classes) =>
        new(source, BypassFixtures.RandomAdapterStages(source.TapNames.Count - 1, Config.EmbedDim), new ClassTokenHead(Config.EmbedDim, classes));

    private static Tensor[] Inputs() => Enumerable.Range(0, 4).Select(_ => randn(2, 1, 28, 28)).ToArray();

    [Fact]
    public void A_bypass_over_a_hook_tap_source_serves_several_threads()
    {
        using var _ = Torch.Scope(seed: 70);
        var vit = ModeSensitiveVit();
        using var source = Hooked(vit, Config.Depth);
        var bypass = WithHead(source, classes: 4);
        var inputs = Inputs();
        var expected = Single(inputs, x => bypass.call(x));
        using (no_grad())   // the probe works: in training mode the backbone's taps differ
            Assert.False(Torch.Same(new VitTapSource(vit).Collect(inputs[0], 2)[2], source.Collect(inputs[0], 2)[2]));

        var worst = Hammer("bypass", (thread, call) =>
        {
            var k = (thread + call) % inputs.Length;
            return Compare(thread, bypass.call(inputs[k]), expected[k]);
        });

        Assert.True(worst <= 1e-6, $"largest difference {worst}");
        Assert.True(vit.training);   // the caller's mode comes back once every pass has ended
        Assert.True(vit.Blocks[0].Mlp.training);
    }

    [Fact]
    public void A_multi_task_group_serves_several_threads()
    {
        using var _ = Torch.Scope(seed: 71);
        var vit = ModeSensitiveVit();
        using var source = Hooked(vit, Config.Depth);
        var group = new MultiTaskBypass(new[] { WithHead(source, 2), WithHead(source, 3), WithHead(source, 5) });
        var inputs = Inputs();
        var expected = inputs.Select(x =>
        {
            using (no_grad()) return group.call(x);
        }).ToArray();

        var worst = Hammer("multi-task", (thread, call) =>
        {
            var k = (thread + call) % inputs.Length;
            var outputs = group.call(inputs[k]);
            Assert.Equal(3, outputs.Length);
            return outputs.Select((o, i) => Compare(thread, o, expected[k][i])).Max();
        });

        Assert.True(worst <= 1e-6, $"largest difference {worst}");
        Assert.True(vit.training);
    }

    [Fact]
    public void Bypasses_sharing_one_backbone_serve_several_threads()
    {
        using var _ = Torch.Scope(seed: 72);
        var vit = ModeSensitiveVit();
        // Two bypasses on one source (one stops after the last block, one re-enters at the norm), and a third on a
        // second source hooking the same backbone that stops after block 0.
        using var shared = Hooked(vit, Config.Depth, reenter: true);
        using var early = Hooked(vit, blocks: 1);
        var models = new[]
        {
            WithHead(shared, classes: 4),
            new ResTuningBypass(shared, BypassFixtures.RandomAdapterStages(Config.Depth, Config.EmbedDim), reenterAt: "norm"),
            WithHead(early, classes: 2),
        };
        var inputs = Inputs();
        var expected = models.Select(m => Single(inputs, x => m.call(x))).ToArray();

        var worst = Hammer("shared backbone", (thread, call) =>
        {
            var m = (thread + call) % models.Length;
            var k = (thread + 2 * call) % inputs.Length;
            return Compare(thread, models[m].call(inputs[k]), expected[m][k]);
        });

        Assert.True(worst <= 1e-6, $"largest difference {worst}");
        Assert.True(vit.training);
    }

    [Fact]
    public void A_configuration_error_names_the_tap_while_other_threads_use_the_backbone()
    {
        using var _ = Torch.Scope(seed: 73);
        var vit = ModeSensitiveVit();
        using var good = Hooked(vit, Config.Depth);
        using var misordered = new HookTapSource(vit, null, new[] { ("blocks.1", (nn.Module<Tensor, Tensor>)vit.Blocks[1]), ("blocks.0", vit.Blocks[0]) });
        var bypass = WithHead(good, classes: 4);
        var inputs = Inputs();
        var expected = Single(inputs, x => bypass.call(x));
        var messages = new ConcurrentBag<string>();

        // Threads 0 and 1 run the good bypass; threads 2 and 3 collect from the misordered source, which fails every time.
        var worst = Hammer("configuration error", (thread, call) =>
        {
            var k = (thread + call) % inputs.Length;
            if (thread < 2) return Compare(thread, bypass.call(inputs[k]), expected[k]);
            var e = Assert.Throws<InvalidOperationException>(() => misordered.Collect(inputs[k], lastTap: 2));
            messages.Add(e.Message);
            return 0;
        }, calls: 100);

        Assert.True(worst <= 1e-6, $"largest difference {worst}");
        Assert.Equal(2 * 100, messages.Count);
        Assert.All(messages, m => Assert.Contains("Tap 'blocks.0' ran before 'input of blocks.1': list the taps in the order the backbone runs them.", m));
        Assert.True(vit.training);
    }

    private sealed class TwiceNet : nn.Module<Tensor, Tensor>
    {
        public readonly TorchSharp.Modules.Linear first = nn.Linear(4, 4);
        public readonly TorchSharp.Modules.Linear last = nn.Linear(4, 4);

        public TwiceNet() : base("twice") => RegisterComponents();

        public override Tensor forward(Tensor x) => last.call(first.call(first.call(x)));
    }

    [Fact]
    public void A_tap_that_runs_twice_in_one_call_is_named()
    {
        using var _ = Torch.Scope(seed: 74);
        var net = new TwiceNet();
        using var hooked = new HookTapSource(net, ("first", (nn.Module<Tensor, Tensor>)net.first), new[] { ("last", (nn.Module<Tensor, Tensor>)net.last) });

        var e = Assert.Throws<InvalidOperationException>(() => hooked.Collect(randn(2, 4), lastTap: 1));

        Assert.Contains("Tap 'first' ran twice in one backbone pass; tap a module that runs once.", e.Message);
        // The failed call left nothing behind: the next call fails the same way, not with "already running".
        var again = Assert.Throws<InvalidOperationException>(() => hooked.Collect(randn(2, 4), lastTap: 1));
        Assert.Equal(e.Message, again.Message);
        Assert.True(net.training);
    }

    [Fact]
    public void A_re_entrant_call_on_the_same_thread_is_still_refused()
    {
        using var _ = Torch.Scope(seed: 75);
        var vit = BypassFixtures.TinyVit(classes: 3);
        using var hooked = new HookTapSource(vit, null, vit.Blocks.Select((b, i) => ($"blocks.{i}", (nn.Module<Tensor, Tensor>)b)),
            reentry: new[] { ("norm", (nn.Module<Tensor, Tensor>)vit.Norm) });
        var images = randn(1, 3, 8, 8);

        var e = Assert.Throws<InvalidOperationException>(() =>
            hooked.ForwardWithReentry(images, lastTap: 2, "norm", taps => hooked.Collect(images, lastTap: 2)[2]));

        Assert.Contains("already running for this tap source on this thread", e.Message);
        Assert.NotNull(hooked.Collect(images, lastTap: 1));   // and the source still works afterwards
    }

    /// <summary>Calls <paramref name="model"/> on every input without autograd, one thread.</summary>
    private static Tensor[] Single(Tensor[] inputs, Func<Tensor, Tensor> model)
    {
        using (no_grad()) return inputs.Select(model).ToArray();
    }

    /// <summary>
    /// Difference between a call's output and the single-threaded one; even threads call under <c>no_grad</c>, odd ones
    /// with autograd, and each sees its own mode.
    /// </summary>
    private static double Compare(int thread, Tensor actual, Tensor expected)
    {
        Assert.Equal(thread % 2 == 1, actual.requires_grad);
        return Torch.MaxAbsDiff(actual.detach(), expected);
    }

    /// <summary>
    /// Runs <paramref name="work"/>(thread, call) on <see cref="Threads"/> threads started together, <paramref name="calls"/>
    /// times each, and returns the largest value it returned; the first exception of each thread fails the test.
    /// </summary>
    private double Hammer(string what, Func<int, int, double> work, int calls = CallsPerThread)
    {
        var start = new Barrier(Threads);
        var worst = new double[Threads];
        var errors = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            try
            {
                // Autograd mode is per thread: odd threads keep it on (as a training loop's evaluation might not turn it off).
                using var grad = set_grad_enabled(thread % 2 == 1);
                start.SignalAndWait();
                for (var call = 0; call < calls; call++)
                {
                    using var scope = NewDisposeScope();
                    worst[thread] = Math.Max(worst[thread], work(thread, call));
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        var clock = Stopwatch.StartNew();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        output.WriteLine($"{what}: {Threads} threads x {calls} calls in {clock.ElapsedMilliseconds} ms, largest difference {worst.Max():g3}");
        if (!errors.IsEmpty) throw new AggregateException(errors);
        return worst.Max();
    }
}
