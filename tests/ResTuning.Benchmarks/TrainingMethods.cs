using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Training;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>One benchmark method, ready to run: a step to time and its parameter counts.</summary>
internal sealed record PreparedMethod(Action Step, long Trainable, long Total);

/// <summary>Builds each method on a fresh ViT (frozen unless the method trains it).</summary>
internal static class TrainingMethods
{
    public static readonly string[] All =
    {
        "inference_forward", "full_finetune", "linear_probe", "lora", "restuning_parallel", "bypass", "bypass_cached", "multitask_separate", "multitask_shared",
    };

    public static PreparedMethod Prepare(string method, BenchmarkOptions o, Device device, ScalarType dtype)
    {
        if (o.IsResNet) return ResNetMethods.Prepare(method, o);
        var config = o.VitConfig;
        var vit = new VisionTransformer(config);
        var images = randn(new long[] { o.Batch, config.InChannels, config.ImageSize, config.ImageSize }, dtype, device);
        var labels = randint(config.NumClasses, new long[] { o.Batch }, device: device);

        switch (method)
        {
            case "inference_forward":
                Freeze(vit);
                Move(vit, device, dtype);
                return Inference(vit, () => vit.call(images));

            case "full_finetune":
                Move(vit, device, dtype);
                return Training(vit, vit.parameters(), () => vit.call(images), labels);

            case "linear_probe":
                Freeze(vit);
                Unfreeze(vit.Head);
                Move(vit, device, dtype);
                return Training(vit, vit.Head.parameters(), () => vit.call(images), labels);

            case "lora":
            {
                // LoRA hooked beside every attention's fused qkv linear (the generator's wiring).
                Freeze(vit);
                var taps = new TapSet();
                for (var i = 0; i < vit.Blocks.Count; i++)
                {
                    var qkv = ((MultiHeadSelfAttention)vit.Blocks[i].Attention).Qkv;
                    taps.GetOrAdd($"blocks.{i}.attn.qkv", qkv).Add("lora", new LoRA(config.EmbedDim, 3 * config.EmbedDim, rank: 8, alpha: 8));
                }
                Unfreeze(vit.Head);
                Move(vit, device, dtype);
                Move(taps, device, dtype);
                return Training(taps, Trainable(vit).Concat(Trainable(taps)), () => vit.call(images), labels, vit);
            }

            case "restuning_parallel":
                Freeze(vit);
                foreach (var block in vit.Blocks)
                    block.WrapMlp(m => new ResParallel(m, name: "mlp").Add("adapter", new ResAdapter(config.EmbedDim, 64)));
                Unfreeze(vit.Head);
                Move(vit, device, dtype);
                return Training(vit, Trainable(vit), () => vit.call(images), labels);

            case "bypass":
            {
                Move(vit, device, dtype);
                var bypass = NewBypass(new VitTapSource(vit), config);
                Move(bypass, device, dtype);
                return Training(bypass, bypass.parameters(), () => bypass.call(images), labels, vit);
            }

            case "bypass_cached":
            {
                // The tap-cache path: the taps are computed once (as a cached epoch reads them), each step trains the bypass alone.
                Move(vit, device, dtype);
                var source = new VitTapSource(vit);
                var bypass = NewBypass(source, config);
                Move(bypass, device, dtype);
                IReadOnlyList<Tensor> taps;
                using (no_grad()) taps = source.Collect(images, bypass.LastTap);
                return Training(bypass, bypass.parameters(), () => bypass.Run(taps), labels, vit);
            }

            case "multitask_separate":
            case "multitask_shared":
            {
                Move(vit, device, dtype);
                var source = new VitTapSource(vit);
                var tasks = Enumerable.Range(0, o.Tasks).Select(_ => NewBypass(source, config)).ToList();
                var shared = new MultiTaskBypass(tasks);
                Move(shared, device, dtype);
                var total = Total(vit) + Total(shared);
                Func<object> run = method == "multitask_shared"
                    ? () => shared.call(images)
                    : () => tasks.Select(t => t.call(images)).ToArray();
                return new PreparedMethod(() =>
                {
                    using var scope = NewDisposeScope();
                    using var grad = no_grad();
                    run();
                }, 0, total);
            }

            default:
                throw new ArgumentException($"Unknown method '{method}'. Methods: {string.Join(", ", All)}.");
        }
    }

    private static ResTuningBypass NewBypass(ITapSource source, VitConfig config) =>
        new(source, BypassStages.Adapters(source.TapNames.Count - 1, config.EmbedDim, 64), new ClassTokenHead(config.EmbedDim, config.NumClasses));

    internal static PreparedMethod Inference(nn.Module model, Func<Tensor> forward) => new(() =>
    {
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        forward();
    }, 0, Total(model));

    internal static PreparedMethod Training(nn.Module model, IEnumerable<Parameter> parameters, Func<Tensor> forward, Tensor labels, nn.Module? frozenBackbone = null)
    {
        var trainable = parameters.ToList();
        var optimizer = new LeanAdamW(trainable, 1e-4);
        var count = trainable.Sum(p => p.numel());
        var total = Total(model) + (frozenBackbone is null ? 0 : Total(frozenBackbone));
        return new PreparedMethod(() =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = forward();
            var loss = nn.functional.cross_entropy(logits.to(ScalarType.Float32), labels);
            loss.backward();
            optimizer.step();
        }, count, total);
    }

    internal static void Freeze(nn.Module m)
    {
        foreach (var p in m.parameters()) p.requires_grad = false;
    }

    private static void Unfreeze(nn.Module m)
    {
        foreach (var p in m.parameters()) p.requires_grad = true;
    }

    internal static List<Parameter> Trainable(nn.Module m) => m.parameters().Where(p => p.requires_grad).ToList();

    internal static long Total(nn.Module m) => m.parameters().Sum(p => p.numel());

    private static void Move(nn.Module m, Device device, ScalarType dtype)
    {
        if (device.type != DeviceType.CPU) m.to(device);
        if (dtype != ScalarType.Float32) m.to(dtype);
    }
}
