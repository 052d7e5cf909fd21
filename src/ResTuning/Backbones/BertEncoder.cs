using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Backbones;

/// <summary>BERT's layer stack in Hugging Face's layout: <c>layer</c>, a list of <see cref="BertLayer"/>.</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    internal BertEncoder(BertConfig config, BertPassContext context, string name = "encoder") : base(name)
    {
        layer = new ModuleList<BertLayer>();
        for (var i = 0; i < config.NumLayers; i++) layer.Add(new BertLayer(config, context));
        register_module("layer", layer);
    }

    /// <summary>The layers, in order (registered as <c>layer</c>; DSL tap paths such as <c>encoder.layer.*.ffn</c> go through it).</summary>
    public ModuleList<BertLayer> Layer => layer;

    /// <summary>Runs layers <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) on token states.</summary>
    public Tensor RunLayers(Tensor states, int from, int to)
    {
        if (from < 0 || to > layer.Count || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"Layer range [{from}, {to}) is outside [0, {layer.Count}].");
        var current = states;
        for (var i = from; i < to; i++)
        {
            var next = layer[i].call(current);
            Temporaries.Free(current, next, states);
            current = next;
        }
        return current;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor states) => RunLayers(states, 0, layer.Count);
}
