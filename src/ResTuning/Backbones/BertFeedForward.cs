namespace ResTuning.Backbones;

/// <summary>
/// BERT's feed-forward operator as one module, <c>output.dense(intermediate(x))</c>: the FFN that a parallel Res-Adapter runs
/// beside (<c>[ResAdapter("encoder.layer.*.ffn")]</c>), reading the FFN's input and adding to its output before the residual
/// and the norm. Registered as <c>ffn</c> but owning no weights: they stay under Hugging Face's names
/// <c>intermediate.dense</c> and <c>output.dense</c> of the layer, so checkpoints are unchanged.
/// </summary>
public sealed class BertFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly BertIntermediate intermediate;
    private readonly BertOutput output;

    internal BertFeedForward(BertIntermediate intermediate, BertOutput output, string name = "ffn") : base(name)
    {
        this.intermediate = intermediate;
        this.output = output;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var hidden = intermediate.call(x);
        var projected = output.Dense.call(hidden);
        Temporaries.Free(hidden, x, projected);
        return projected;
    }

    /// <summary>
    /// Registers nothing: the two modules belong to the layer (under their HF names); TorchSharp's default would register
    /// them a second time here, doubling their entries in the state dict.
    /// </summary>
    protected override void RegisterComponents()
    {
    }
}
