using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Native;
using ResTuning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// <c>bypassstep</c>: where a ViT bypass training step's time goes, in one process and interleaved — the no-grad forward,
/// the whole step, the step on taps already collected split into its forward, backward and optimizer step, and the floor
/// its matrix products set: each stage's products (two down projections, the fused up projection; forward, weight and
/// input gradients where autograd computes them) run alone at the same shapes.
/// </summary>
/// <remarks>
/// bypass / inference can come no lower than (inference + floor) / inference, whatever the framework: the products are the
/// side network's arithmetic. What a cached step takes above the floor is its element-wise work (activations, bias and
/// their gradients, concatenations), autograd's bookkeeping and the optimizer.
/// </remarks>
internal static class BypassStepBenchmark
{
    public const string Usage = "bypassstep [--batch N] [--image N] [--dim N] [--steps N] [--warmup N] [--json]";

    public static int Run(IReadOnlyList<string> args)
    {
        var o = IntOptions.Parse(args, Usage, new Dictionary<string, int> { ["--batch"] = 32, ["--image"] = 96, ["--dim"] = 64, ["--steps"] = 20, ["--warmup"] = 3 }, "--json");
        int batch = o["--batch"], image = o["--image"], dim = o["--dim"], steps = o["--steps"], warmup = o["--warmup"];
        var json = o.Has("--json");
        if (batch <= 0 || image <= 0 || dim <= 0 || steps <= 0 || warmup < 0) throw new ArgumentException($"Give positive numbers. Usage: {Usage}");

        TorchNatives.Initialize();
        manual_seed(0);
        var config = VitConfig.Small with { ImageSize = image, NumClasses = 100 };
        var vit = new VisionTransformer(config);
        TrainingMethods.Freeze(vit);
        var source = new VitTapSource(vit);
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(config.Depth, config.EmbedDim, dim), new ClassTokenHead(config.EmbedDim, config.NumClasses));
        var optimizer = new LeanAdamW(bypass.parameters().ToList(), 1e-4);
        var images = randn(batch, config.InChannels, image, image);
        var labels = randint(config.NumClasses, new long[] { batch });
        IReadOnlyList<Tensor> taps;
        using (no_grad()) taps = source.Collect(images, bypass.LastTap);

        var tokens = batch * ((image / config.PatchSize) * (image / config.PatchSize) + 1);
        var floor = new MatmulFloor(tokens, config.EmbedDim, dim, config.Depth);
        var samples = new Dictionary<string, List<double>>();
        void Add(string key, double ms) => (samples.TryGetValue(key, out var list) ? list : samples[key] = new List<double>()).Add(ms);

        for (var i = -warmup; i < steps; i++)
        {
            var inference = Timing.Milliseconds(() =>
            {
                using var scope = NewDisposeScope();
                using var grad = no_grad();
                vit.call(images);
            });
            var live = Timing.Milliseconds(() =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.cross_entropy(bypass.call(images), labels).backward();
                optimizer.step();
            });
            var clock = Stopwatch.StartNew();
            double forward, backward;
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(bypass.Run(taps), labels);
                loss.item<float>();
                forward = clock.Elapsed.TotalMilliseconds;
                loss.backward();
                backward = clock.Elapsed.TotalMilliseconds - forward;
            }
            var stepStart = clock.Elapsed.TotalMilliseconds;
            optimizer.step();
            var step = clock.Elapsed.TotalMilliseconds - stepStart;
            var products = Timing.Milliseconds(floor.Run);
            if (i < 0) continue;
            Add("inference_ms", inference);
            Add("bypass_ms", live);
            Add("cached_forward_ms", forward);
            Add("cached_backward_ms", backward);
            Add("cached_optimizer_ms", step);
            Add("cached_ms", forward + backward + step);
            Add("matmul_floor_ms", products);
        }

        var m = samples.ToDictionary(p => p.Key, p => Timing.Median(p.Value));
        var ratio = m["bypass_ms"] / m["inference_ms"];
        var floorRatio = (m["inference_ms"] + m["matmul_floor_ms"]) / m["inference_ms"];
        if (json)
        {
            var fields = m.Select(p => FormattableString.Invariant($"\"{p.Key}\":{p.Value:F2}"))
                .Append(FormattableString.Invariant($"\"bypass_over_inference\":{ratio:F3}"))
                .Append(FormattableString.Invariant($"\"floor_over_inference\":{floorRatio:F3}"))
                .Append(FormattableString.Invariant($"\"batch\":{batch},\"image\":{image},\"dim\":{dim},\"steps\":{steps},\"threads\":{get_num_threads()}"));
            Console.WriteLine("{" + string.Join(",", fields) + "}");
            return 0;
        }
        Console.WriteLine(FormattableString.Invariant(
            $"ViT-S/16 {image} px, batch {batch}, adapters of dim {dim}, {get_num_threads()} threads; medians of {steps} interleaved rounds after {warmup} warm-up:"));
        Console.WriteLine(FormattableString.Invariant($"  no-grad forward         {m["inference_ms"],8:F1} ms"));
        Console.WriteLine(FormattableString.Invariant($"  bypass step             {m["bypass_ms"],8:F1} ms   bypass / forward {ratio:F3}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  step on collected taps  {m["cached_ms"],8:F1} ms   forward {m["cached_forward_ms"]:F1}, backward {m["cached_backward_ms"]:F1}, optimizer {m["cached_optimizer_ms"]:F1}"));
        Console.WriteLine(FormattableString.Invariant(
            $"  its matrix products     {m["matmul_floor_ms"],8:F1} ms   (forward + products) / forward {floorRatio:F3}: the lowest bypass / forward these shapes allow"));
        return 0;
    }

    /// <summary>
    /// The side network's matrix products at a bypass step's shapes, without anything around them: per stage the lateral
    /// down projection (forward, weight gradient; the tap needs no gradient), the vertical one (forward, weight and input
    /// gradients) and the fused up projection of both bottlenecks (forward, weight and input gradients).
    /// </summary>
    private sealed class MatmulFloor
    {
        private readonly Tensor input, down, hidden, hiddenGrad, up, outputGrad;
        private readonly int stages;

        public MatmulFloor(long tokens, long width, long dim, int stages)
        {
            this.stages = stages;
            input = randn(tokens, width);
            down = randn(dim, width);
            hidden = randn(tokens, 2 * dim);
            hiddenGrad = randn(tokens, dim);
            up = randn(width, 2 * dim);
            outputGrad = randn(tokens, width);
        }

        public void Run()
        {
            using var scope = NewDisposeScope();
            for (var s = 0; s < stages; s++)
            {
                for (var adapter = 0; adapter < 2; adapter++)
                {
                    matmul(input, down.t());                   // down projection
                    matmul(hiddenGrad.t(), input);             // its weight gradient
                    if (adapter == 1 && s > 0) matmul(hiddenGrad, down); // the vertical's input gradient (b_0 is a tap: none)
                }
                matmul(hidden, up.t());                        // fused up projection
                matmul(outputGrad.t(), hidden);                // its weight gradient
                matmul(outputGrad, up);                        // its input gradient
                scope.DisposeEverything();
            }
        }
    }
}
