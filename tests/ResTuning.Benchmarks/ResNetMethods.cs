using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Parallel;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// <c>training --model resnet</c>: the methods of <c>../shared/bench/anchor_resnet_cpu.py</c> on the runtime's ResNet of the
/// ImageNet featurizer's shape (BasicBlocks [2, 2, 2, 3]), float32, CPU, random weights (speed and memory only).
/// </summary>
/// <remarks>
/// Where the project's design differs from the anchor's nearest method: <c>restuning_adapter</c> puts each channel adapter
/// beside its block, reading the block's input (Res-Tuning's unbound form; strided where the block downsamples), where the
/// anchor adds it after the block, reading its output; the bypass is composed here from runtime parts (channel adapters as
/// laterals, a 1×1 stride-2 convolution between stages, a pooled linear head) to match the anchor's exactly, where the
/// DSL's ResNet bypass (the main job's <c>ResNetBypass</c>) moves its state between stages by average pooling and a 1×1
/// convolution (<c>DownsampleStage</c>) and has per-pixel adapters as verticals too.
/// </remarks>
internal static class ResNetMethods
{
    public static readonly string[] All =
    {
        "inference_forward", "full_finetune", "linear_probe", "lora_conv", "restuning_adapter", "bypass", "bypass_cached",
    };

    private static readonly int[] Widths = { 64, 128, 256, 512 };

    public static PreparedMethod Prepare(string method, BenchmarkOptions o)
    {
        var resnet = new ResNet(ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2, 2, 3 }, classes: o.Classes));
        var images = randn(o.Batch, 3, o.Image, o.Image);
        var labels = randint(o.Classes, new long[] { o.Batch });
        Func<Tensor> forward = () => resnet.call(images);

        switch (method)
        {
            case "inference_forward":
                TrainingMethods.Freeze(resnet);
                resnet.eval();
                return TrainingMethods.Inference(resnet, forward);

            case "full_finetune":
                resnet.train();   // batch-norm statistics update, as in full fine-tuning
                return TrainingMethods.Training(resnet, resnet.parameters(), forward, labels);
        }

        // The parameter-efficient methods keep batch norm frozen (eval) and train a new head.
        TrainingMethods.Freeze(resnet);
        resnet.eval();
        foreach (var p in resnet.Fc!.parameters()) p.requires_grad = true;

        switch (method)
        {
            case "linear_probe":
                return TrainingMethods.Training(resnet, resnet.Fc.parameters(), forward, labels);

            case "lora_conv":
            case "restuning_adapter":
            {
                var taps = new TapSet();
                for (var stage = 0; stage < 4; stage++)
                {
                    var blocks = resnet.Stages[stage];
                    for (var b = 0; b < blocks.Count; b++)
                    {
                        var block = blocks[b];
                        var path = $"layer{stage + 1}.{b}";
                        if (method == "lora_conv")
                        {
                            taps.GetOrAdd(path + ".conv1", block.Conv1).Add("lora", ConvLoRA.For(block.Conv1, rank: 8, alpha: 8));
                            taps.GetOrAdd(path + ".conv2", block.Conv2).Add("lora", ConvLoRA.For(block.Conv2, rank: 8, alpha: 8));
                        }
                        else
                        {
                            var stride = stage > 0 && b == 0 ? 2 : 1;
                            var input = b == 0 ? (stage == 0 ? 64 : Widths[stage - 1]) : Widths[stage];
                            taps.GetOrAdd(path, block).Add("adapter",
                                new ChannelAdapter(input, 32, Widths[stage], AdapterActivationKind.Relu, stride: stride));
                        }
                    }
                }
                return TrainingMethods.Training(taps, TrainingMethods.Trainable(taps).Concat(resnet.Fc.parameters()), forward, labels, resnet);
            }

            case "bypass":
            case "bypass_cached":
            {
                foreach (var p in resnet.Fc.parameters()) p.requires_grad = false;
                var bypass = new StageBypass(o.Classes);
                if (method == "bypass")
                    return TrainingMethods.Training(bypass, bypass.parameters(), () => bypass.call(Taps(resnet, images)), labels, resnet);
                var cached = Taps(resnet, images);
                return TrainingMethods.Training(bypass, bypass.parameters(), () => bypass.Run(cached), labels, resnet);
            }

            default:
                throw new ArgumentException($"Unknown method '{method}' for --model resnet. Methods: {string.Join(", ", All)}.");
        }
    }

    /// <summary>The four stage outputs, detached (no autograd in the backbone).</summary>
    private static Tensor[] Taps(ResNet resnet, Tensor images)
    {
        using var grad = no_grad();
        var x = resnet.Stem(images);
        var taps = new Tensor[4];
        for (var stage = 0; stage < 4; stage++) x = taps[stage] = resnet.RunStage(stage, x);
        return taps;
    }

    /// <summary>b_1 = x_1 + lat_1(x_1); b_l = down_l(b_{l-1}) + x_l + lat_l(x_l); a linear head on pooled b_4.</summary>
    private sealed class StageBypass : nn.Module<Tensor[], Tensor>
    {
        private readonly ModuleList<ChannelAdapter> laterals;
        private readonly ModuleList<Conv2d> downs;
        private readonly Linear head;

        public StageBypass(int classes) : base("stage_bypass")
        {
            laterals = new ModuleList<ChannelAdapter>(Widths.Select(c => new ChannelAdapter(c, 32, activation: AdapterActivationKind.Relu)).ToArray());
            downs = new ModuleList<Conv2d>(Enumerable.Range(1, 3).Select(l => nn.Conv2d(Widths[l - 1], Widths[l], 1, stride: 2)).ToArray());
            head = nn.Linear(Widths[^1], classes);
            register_module("laterals", laterals);
            register_module("downs", downs);
            register_module("head", head);
        }

        public Tensor Run(IReadOnlyList<Tensor> taps)
        {
            using var scope = NewDisposeScope();
            var b = taps[0] + laterals[0].call(taps[0]);
            for (var l = 1; l < 4; l++) b = downs[l - 1].call(b) + taps[l] + laterals[l].call(taps[l]);
            return head.call(b.mean(new long[] { 2, 3 })).MoveToOuterDisposeScope();
        }

        public override Tensor forward(Tensor[] taps) => Run(taps);
    }
}
