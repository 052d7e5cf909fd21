using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tuners;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// A pretrained ViT prepared for one <see cref="TuningMethod"/>: which parameters train, and the
/// tuners attached. The ViT's head is new (downstream classes); every method trains it.
/// </summary>
public sealed class TunedClassifier : nn.Module<Tensor, Tensor>
{
    private readonly VisionTransformer vit;
    private readonly TapSet taps = new("taps");
    private readonly ResTuningBypass? bypass;

    /// <summary>Prepares <paramref name="vit"/> for <paramref name="method"/>.</summary>
    public TunedClassifier(VisionTransformer vit, TuningMethod method) : base("classifier")
    {
        this.vit = vit;
        Method = method;
        var width = vit.Config.EmbedDim;
        var trainBackbone = method == TuningMethod.Full;
        foreach (var p in vit.parameters()) p.requires_grad = trainBackbone;
        foreach (var p in vit.Head.parameters()) p.requires_grad = true;

        for (var i = 0; i < vit.Blocks.Count; i++)
        {
            var block = vit.Blocks[i];
            if (method == TuningMethod.Lora)
            {
                var qkv = ((MultiHeadSelfAttention)block.Attention).Qkv;
                taps.GetOrAdd($"blocks.{i}.attn.qkv", qkv).Add("lora", new LoRA(width, 3 * width, rank: 8, alpha: 16));
            }
            else if (method == TuningMethod.ResTuning)
            {
                taps.GetOrAdd($"blocks.{i}.mlp", block.Mlp).Add("adapter", new ResAdapter(width, hiddenDim: 16));
            }
        }
        register_module("vit", vit);
        register_module("taps", taps);

        if (method == TuningMethod.Bypass)
        {
            // The backbone (head included) stays frozen and runs without autograd; a side chain of
            // adapters reads its detached block outputs and feeds a new class-token head.
            foreach (var p in vit.parameters()) p.requires_grad = false;
            bypass = new ResTuningBypass(new VitTapSource(vit), BypassStages.Adapters(vit.Blocks.Count, width, hiddenDim: 16),
                new ClassTokenHead(width, vit.Config.NumClasses));
            register_module("bypass", bypass);
        }
    }

    /// <summary>The method this model is prepared for.</summary>
    public TuningMethod Method { get; }

    /// <summary>Parameters the optimizer updates.</summary>
    public IReadOnlyList<Parameter> Trainable => parameters().Where(p => p.requires_grad).ToList();

    /// <inheritdoc />
    public override Tensor forward(Tensor images) => bypass is null ? vit.call(images) : bypass.call(images);
}
