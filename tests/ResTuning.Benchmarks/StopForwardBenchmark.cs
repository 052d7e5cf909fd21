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
/// <c>stopforward</c>: what the exception that ends a hooked backbone pass after its last tap (HookTapSource's
/// <c>StopForward</c>) costs next to a bypass step. TorchSharp's hooks can change a module's input or output but not end the
/// caller's forward, so the pass is ended by a throw that HookTapSource catches.
/// </summary>
/// <remarks>
/// The throw: a ViT of ViT-S's depth (12 blocks) with tiny widths and batch 1, so that the tensor work is small, runs with a
/// forward hook on its last block that throws, caught around <c>call</c>; paired with the same blocks returning normally.
/// Medians of the pairs; the difference is the throw and catch through the backbone's frames. The step: ViT-S/16 with a
/// HookTapSource over all 12 blocks, adapter stages and a class-token head, one AdamW training step and one inference
/// forward, medians. A first-chance exception counter checks that a step throws StopForward exactly once.
/// </remarks>
internal static class StopForwardBenchmark
{
    public const string Usage = "stopforward [--batch N] [--image N] [--steps N] [--warmup N] [--pairs N]";

    public static int Run(IReadOnlyList<string> args)
    {
        var o = IntOptions.Parse(args, Usage, new Dictionary<string, int> { ["--batch"] = 32, ["--image"] = 96, ["--steps"] = 10, ["--warmup"] = 2, ["--pairs"] = 2000 });
        int batch = o["--batch"], image = o["--image"], steps = o["--steps"], warmup = o["--warmup"], pairs = o["--pairs"];
        if (batch <= 0 || image <= 0 || steps <= 0 || warmup < 0 || pairs <= 0) throw new ArgumentException($"Give positive numbers. Usage: {Usage}");

        TorchNatives.Initialize();
        manual_seed(0);
        var (thrown, returned) = ThrowPairs(pairs);
        var exception = thrown - returned;
        Console.WriteLine(FormattableString.Invariant(
            $"throw+catch after block 12 of 12 (tiny widths, batch 1), {pairs} pairs: {thrown:F1} us with, {returned:F1} us without (medians): {exception:F1} us"));

        var (train, infer, throwsPerStep) = Steps(batch, image, steps, warmup);
        Console.WriteLine(FormattableString.Invariant(
            $"bypass step, ViT-S/16 {image} px batch {batch}, {get_num_threads()} threads, {steps} steps after {warmup} warm-up (medians): training {train:F1} ms, inference {infer:F1} ms; StopForward per step: {throwsPerStep}"));
        Console.WriteLine(FormattableString.Invariant(
            $"share of the exception: {100 * exception / 1000 / train:F4} % of a training step, {100 * exception / 1000 / infer:F4} % of an inference forward"));
        return 0;
    }

    /// <summary>Median microseconds of a pass that ends by a throw after the last block, and of the same blocks returning.</summary>
    private static (double Thrown, double Returned) ThrowPairs(int pairs)
    {
        var vit = new VisionTransformer(new VitConfig(ImageSize: 16, PatchSize: 16, InChannels: 3, EmbedDim: 12, Depth: 12, NumHeads: 6, MlpDim: 12, NumClasses: 10));
        vit.eval();
        var x = randn(1, 3, 16, 16);
        var stop = false;
        var hook = vit.Blocks[^1].register_forward_hook((_, _, output) => stop ? throw new Stop() : output);
        var thrown = new List<double>();
        var returned = new List<double>();
        var clock = new Stopwatch();
        using (no_grad())
        {
            for (var i = -pairs / 10; i < pairs; i++)
            {
                using var scope = NewDisposeScope();
                stop = true;
                clock.Restart();
                try
                {
                    vit.call(x);
                }
                catch (Stop)
                {
                }
                var a = clock.Elapsed.TotalMicroseconds;
                stop = false;
                clock.Restart();
                vit.RunBlocks(vit.Embed(x), 0, vit.Blocks.Count);
                var b = clock.Elapsed.TotalMicroseconds;
                if (i < 0) continue;
                thrown.Add(a);
                returned.Add(b);
            }
        }
        hook.remove();
        return (Timing.Median(thrown), Timing.Median(returned));
    }

    /// <summary>Median milliseconds of a training step and of an inference forward, and the StopForward throws of one step.</summary>
    private static (double Train, double Infer, int ThrowsPerStep) Steps(int batch, int image, int steps, int warmup)
    {
        var config = VitConfig.Small with { ImageSize = image, NumClasses = 100 };
        var vit = new VisionTransformer(config);
        using var source = new HookTapSource(vit, null, vit.Blocks.Select((b, i) => ($"blocks.{i}", (nn.Module<Tensor, Tensor>)b)));
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(config.Depth, config.EmbedDim, 64), new ClassTokenHead(config.EmbedDim, config.NumClasses));
        var optimizer = new LeanAdamW(bypass.parameters(), 1e-4);
        var images = randn(batch, config.InChannels, image, image);
        var labels = randint(config.NumClasses, new long[] { batch });

        void Train()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(bypass.call(images), labels).backward();
            optimizer.step();
        }

        void Infer()
        {
            using var scope = NewDisposeScope();
            using var grad = no_grad();
            bypass.call(images);
        }

        for (var i = 0; i < warmup; i++) Train();
        var throws = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (e.Exception.GetType().Name == "StopForward") throws++;
        }
        AppDomain.CurrentDomain.FirstChanceException += Count;
        Train();
        AppDomain.CurrentDomain.FirstChanceException -= Count;

        var train = new List<double>();
        var infer = new List<double>();
        for (var i = 0; i < steps; i++)
        {
            train.Add(Timing.Milliseconds(Train));
            infer.Add(Timing.Milliseconds(Infer));
        }
        return (Timing.Median(train), Timing.Median(infer), throws);
    }

    private sealed class Stop : Exception
    {
    }
}
