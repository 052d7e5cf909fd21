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

    /// <inheritdoc />
    public override Tensor forward(Tensor states)
    {
        return Temporaries.Chain(layer, states, static (module, h) => module.call(h));
    }
}
