using TorchSharp.Utils;

namespace ResTuning.Backbones;

/// <summary>
/// The add-and-norm after a BERT sub-block, in Hugging Face's layout: <c>dense</c>, <c>LayerNorm</c> (HF's
/// <c>BertSelfOutput</c> as <c>attention.output</c>, <c>BertOutput</c> as <c>output</c>). Its forward is
/// <c>LayerNorm(dropout(projected) + residual)</c>; the <c>dense</c> projection itself runs inside the sub-block
/// (<see cref="BertSelfAttention"/> or <see cref="BertFeedForward"/>), so that a parallel tuner beside the sub-block adds to
/// the projected output before the residual and the norm.
/// </summary>
public sealed class BertOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm layerNorm;
    private readonly Dropout dropout;

    internal BertOutput(long inFeatures, BertConfig config, string name = "output") : base(name)
    {
        dense = nn.Linear(inFeatures, config.HiddenSize);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropout);
        register_module("dense", dense);
        register_module("LayerNorm", layerNorm);
        register_module("dropout", dropout);
    }

    /// <summary>The projection back to the hidden width (HF <c>dense</c>).</summary>
    public Linear Dense => dense;

    /// <summary>The norm after the residual sum (HF <c>LayerNorm</c>).</summary>
    public LayerNorm LayerNorm => layerNorm;

    /// <summary><c>LayerNorm(dropout(projected) + residual)</c>.</summary>
    /// <param name="projected">The sub-block's output, already through <see cref="Dense"/>.</param>
    /// <param name="residual">The sub-block's input.</param>
    public override Tensor forward(Tensor projected, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return layerNorm.call(dropout.call(projected) + residual).MoveToOuterDisposeScope();
    }
}
