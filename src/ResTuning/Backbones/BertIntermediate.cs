using TorchSharp.Utils;

namespace ResTuning.Backbones;

/// <summary>The first half of BERT's feed-forward block in Hugging Face's layout: <c>GELU(dense(x))</c> (exact GELU, HF's <c>"gelu"</c>).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    [ComponentName(Name = "intermediate_act_fn")]
    private readonly GELU act;

    internal BertIntermediate(BertConfig config, string name = "intermediate") : base(name)
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        act = nn.GELU();
        register_module("dense", dense);
        register_module("intermediate_act_fn", act);
    }

    /// <summary>The projection to the intermediate width (HF <c>dense</c>).</summary>
    public Linear Dense => dense;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var hidden = dense.call(x);
        var activated = act.call(hidden);
        Temporaries.Free(hidden, x, activated);
        return activated;
    }
}
