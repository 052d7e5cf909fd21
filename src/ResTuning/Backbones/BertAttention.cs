namespace ResTuning.Backbones;

/// <summary>
/// BERT's attention sub-block in Hugging Face's layout: <c>self</c> (<see cref="BertSelfAttention"/>, which applies
/// <c>output.dense</c>) and <c>output</c> (<see cref="BertOutput"/>: <c>dense</c>, <c>LayerNorm</c>);
/// forward <c>LayerNorm(self(x) + x)</c> (post-norm).
/// </summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertOutput output;

    internal BertAttention(BertConfig config, BertPassContext context, string name = "attention") : base(name)
    {
        output = new BertOutput(config.HiddenSize, config);
        self = new BertSelfAttention(config, output.Dense, context);
        register_module("self", self);
        register_module("output", output);
    }

    /// <summary>The self-attention (HF <c>self</c>): the attention operator for Res-Prefix and Res-Prompt.</summary>
    public BertSelfAttention Self => self;

    /// <summary>The output projection and norm (HF <c>output</c>, a <c>BertSelfOutput</c> there).</summary>
    public BertOutput Output => output;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return output.call(self.call(x), x).MoveToOuterDisposeScope();
    }
}
