namespace ResTuning.Backbones;

/// <summary>Hugging Face's BERT pooler: <c>tanh(dense(x[:, 0]))</c>, the <c>[CLS]</c> state through <c>dense</c>.</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    internal BertPooler(BertConfig config, string name = "pooler") : base(name)
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        register_module("dense", dense);
    }

    /// <summary>The projection (HF <c>dense</c>).</summary>
    public Linear Dense => dense;

    /// <summary>Token states <c>[B, T, D]</c> to <c>[B, D]</c>.</summary>
    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        return dense.call(states.select(1, 0)).tanh().MoveToOuterDisposeScope();
    }
}
