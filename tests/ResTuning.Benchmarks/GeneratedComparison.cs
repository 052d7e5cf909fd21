using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Parallel;
using ResTuning.Training;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// <c>--method generated_vs_handwritten</c>: the generated models against the same tuners composed by hand from the
/// runtime (parallel: <see cref="ResParallel"/> wrapped around each MLP vs the generated forward hooks; bypass:
/// <see cref="VitTapSource"/> vs the generated <see cref="HookTapSource"/>), each a full training step. Both run in
/// this one process with their steps interleaved (A, B, A, B, ...), so machine noise hits both alike; the JSON line
/// holds the median times and, per model, the median of the per-pair generated/hand-written ratios (at least 40 pairs).
/// </summary>
internal static class GeneratedComparison
{
    public const string Method = "generated_vs_handwritten";

    public static Dictionary<string, object> Run(BenchmarkOptions o, Device device, ScalarType dtype)
    {
        var config = o.VitConfig;
        var images = randn(new long[] { o.Batch, config.InChannels, config.ImageSize, config.ImageSize }, dtype, device);
        var labels = randint(config.NumClasses, new long[] { o.Batch }, device: device);

        var parallel = Interleave(o, device,
            Step(HandwrittenParallel(config), images, labels, device, dtype),
            Step(GeneratedParallel(config), images, labels, device, dtype));
        var bypass = Interleave(o, device,
            Step(HandwrittenBypass(config), images, labels, device, dtype),
            Step(GeneratedBypass(config), images, labels, device, dtype));

        return new Dictionary<string, object>
        {
            ["method"] = Method,
            ["parallel_ms_handwritten"] = Math.Round(parallel.Hand, 2),
            ["parallel_ms_generated"] = Math.Round(parallel.Generated, 2),
            ["parallel_ratio"] = Math.Round(parallel.Ratio, 4),
            ["bypass_ms_handwritten"] = Math.Round(bypass.Hand, 2),
            ["bypass_ms_generated"] = Math.Round(bypass.Generated, 2),
            ["bypass_ratio"] = Math.Round(bypass.Ratio, 4),
            ["generated_vs_handwritten"] = Math.Round(Math.Max(parallel.Ratio, bypass.Ratio), 4),
            ["pairs"] = Pairs(o),
        };
    }

    private sealed record Model(nn.Module Root, nn.Module<Tensor, Tensor> Forward, IEnumerable<Parameter> Trainable, nn.Module? Backbone);

    private static Model HandwrittenParallel(VitConfig config)
    {
        var vit = new VisionTransformer(config);
        foreach (var p in vit.parameters()) p.requires_grad = false;
        foreach (var block in vit.Blocks)
            block.WrapMlp(m => new ResParallel(m, name: "mlp").Add("adapter", new ResAdapter(config.EmbedDim, 64)));
        foreach (var p in vit.Head.parameters()) p.requires_grad = true;
        return new Model(vit, vit, vit.parameters().Where(p => p.requires_grad).ToList(), null);
    }

    private static Model GeneratedParallel(VitConfig config)
    {
        var vit = new VisionTransformer(config);
        nn.Module<Tensor, Tensor> model = config.EmbedDim switch
        {
            192 => new VitAdapters192(vit),
            384 => new VitAdapters384(vit),
            768 => new VitAdapters768(vit),
            _ => throw new ArgumentException($"No generated model for width {config.EmbedDim}."),
        };
        return new Model(model, model, ((ITunedModel)model).TrainableParameters().ToList(), null);
    }

    private static Model HandwrittenBypass(VitConfig config)
    {
        var vit = new VisionTransformer(config);
        var source = new VitTapSource(vit);
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(source.TapNames.Count - 1, config.EmbedDim, 64),
            new ClassTokenHead(config.EmbedDim, config.NumClasses));
        return new Model(bypass, bypass, bypass.parameters().ToList(), vit);
    }

    private static Model GeneratedBypass(VitConfig config)
    {
        var vit = new VisionTransformer(config);
        var head = new ClassTokenHead(config.EmbedDim, config.NumClasses);
        nn.Module<Tensor, Tensor> model = config.EmbedDim switch
        {
            192 => new VitBypass192(vit, head),
            384 => new VitBypass384(vit, head),
            768 => new VitBypass768(vit, head),
            _ => throw new ArgumentException($"No generated model for width {config.EmbedDim}."),
        };
        return new Model(model, model, ((ITunedModel)model).TrainableParameters().ToList(), vit);
    }

    private static Action Step(Model model, Tensor images, Tensor labels, Device device, ScalarType dtype)
    {
        foreach (var m in new[] { model.Root, model.Backbone })
        {
            if (m is null) continue;
            if (device.type != DeviceType.CPU) m.to(device);
            if (dtype != ScalarType.Float32) m.to(dtype);
        }
        var optimizer = new LeanAdamW(model.Trainable, 1e-4);
        return () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.Forward.call(images).to(ScalarType.Float32), labels);
            loss.backward();
            optimizer.step();
        };
    }

    // Two steps that differ by 1 % are compared on a machine whose steps drift by ±10 %: each pair of adjacent steps gives
    // one ratio (drift cancels within a pair) and the median of at least MinimumPairs of them is the estimate.
    private const int MinimumPairs = 40;

    private static int Pairs(BenchmarkOptions o) => Math.Max(o.Steps, MinimumPairs);

    private static (double Hand, double Generated, double Ratio) Interleave(BenchmarkOptions o, Device device, Action hand, Action generated)
    {
        for (var i = 0; i < o.Warmup; i++)
        {
            hand();
            generated();
        }
        var a = new List<double>();
        var b = new List<double>();
        var runs = new (Action Step, List<double> Times)[] { (hand, a), (generated, b) };
        for (var i = 0; i < Pairs(o); i++)
        {
            // Alternate which goes first so neither always runs right after the other.
            foreach (var k in i % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
                runs[k].Times.Add(Time(runs[k].Step, device));
        }
        var pairRatios = a.Zip(b, (h, g) => g / h).ToList();
        return (Median(a), Median(b), Median(pairRatios));
    }

    private static double Time(Action step, Device device)
    {
        var sw = Stopwatch.StartNew();
        step();
        if (device.type == DeviceType.CUDA) cuda.synchronize();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Prints the result line.</summary>
    public static void Print(Dictionary<string, object> result) => Console.WriteLine(JsonSerializer.Serialize(result));
}
