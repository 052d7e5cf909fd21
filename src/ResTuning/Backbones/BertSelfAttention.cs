using ResTuning.Operators;

namespace ResTuning.Backbones;

/// <summary>
/// BERT's multi-head self-attention in Hugging Face's layout: <c>query</c>, <c>key</c>, <c>value</c> (D → D each), scaled
/// dot-product attention over the keys the pass's attention mask lets through (padding never), then the output projection
/// <c>attention.output.dense</c>, which is applied here (its weights stay registered under the sibling
/// <see cref="BertAttention.Output"/>). So this module is the attention operator Res-Prefix and Res-Prompt run beside
/// (<c>[ResPrefix("encoder.layer.*.attention.self")]</c>), and LoRA reaches <c>attention.self.query</c>/<c>value</c>.
/// </summary>
/// <remarks>
/// The mask comes from the <see cref="BertModel"/> pass this module runs in (<see cref="KeyBias"/>); called outside one,
/// every key is visible.
/// </remarks>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor>, IAttentionOperator
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear outputDense;
    private readonly double attentionDropout;
    private readonly BertPassContext context;

    internal BertSelfAttention(BertConfig config, Linear outputDense, BertPassContext context, string name = "self") : base(name)
    {
        EmbedDim = config.HiddenSize;
        NumHeads = config.NumHeads;
        HeadDim = config.HeadDim;
        attentionDropout = config.AttentionDropout;
        this.outputDense = outputDense;
        this.context = context;
        query = nn.Linear(EmbedDim, EmbedDim);
        key = nn.Linear(EmbedDim, EmbedDim);
        value = nn.Linear(EmbedDim, EmbedDim);
        register_module("query", query);
        register_module("key", key);
        register_module("value", value);
    }

    /// <inheritdoc />
    public long EmbedDim { get; }

    /// <inheritdoc />
    public long NumHeads { get; }

    /// <inheritdoc />
    public long HeadDim { get; }

    /// <inheritdoc />
    public string Name => GetName();

    /// <summary>The query projection (HF <c>query</c>).</summary>
    public Linear Query => query;

    /// <summary>The key projection (HF <c>key</c>).</summary>
    public Linear Key => key;

    /// <summary>The value projection (HF <c>value</c>).</summary>
    public Linear Value => value;

    /// <summary>
    /// The pass's padding mask as a score bias <c>[B, 1, 1, T]</c> (0 at real tokens, the float32 minimum at padding), or null
    /// outside a <see cref="BertModel"/> pass.
    /// </summary>
    public Tensor? KeyBias => context.Current?.KeyBias;

    /// <summary>Attention over the unmasked tokens, projected by <c>attention.output.dense</c> (with its bias); not yet added to the residual.</summary>
    public override Tensor forward(Tensor x)
    {
        Tuners.ShapeChecks.Tokens(Name, x, EmbedDim);
        using var scope = NewDisposeScope();
        // call(), not functional linears: hooks on query/key/value (LoRA) and on the output projection run.
        var q = ToHeads(query.call(x));
        var k = ToHeads(key.call(x));
        var v = ToHeads(value.call(x));
        var bias = Bias(x);
        var heads = nn.functional.scaled_dot_product_attention(q, k, v, bias, training ? attentionDropout : 0);
        using var merged = heads.transpose(1, 2).flatten(2);
        return outputDense.call(merged).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor ProjectQuery(Tensor x) => ToHeads(nn.functional.linear(x, query.weight!, query.bias));

    /// <inheritdoc />
    public (Tensor Key, Tensor Value) ProjectKeyValue(Tensor x) =>
        (ToHeads(nn.functional.linear(x, key.weight!, key.bias)), ToHeads(nn.functional.linear(x, value.weight!, value.bias)));

    /// <inheritdoc />
    public Tensor ProjectOutput(Tensor heads, bool includeBias)
    {
        using var transposed = heads.transpose(1, 2);
        using var merged = transposed.flatten(2);
        return nn.functional.linear(merged, outputDense.weight!, includeBias ? outputDense.bias : null);
    }

    private Tensor? Bias(Tensor x)
    {
        var bias = KeyBias;
        if (bias is null) return null;
        if (bias.shape[0] != x.shape[0] || bias.shape[3] != x.shape[1])
            throw new InvalidOperationException(
                $"'{Name}': the attention mask of this pass is for {bias.shape[0]} sequences of {bias.shape[3]} tokens, but the tokens are [{string.Join(", ", x.shape)}]; " +
                "a module inside a BertModel pass must keep the batch and the sequence length.");
        return bias.dtype == x.dtype ? bias : bias.to(x.dtype);
    }

    /// <summary>
    /// Registers nothing by reflection (the constructor registers <c>query</c>, <c>key</c> and <c>value</c>): TorchSharp's default
    /// would also register the output projection held here, which belongs to <c>attention.output</c>.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    private Tensor ToHeads(Tensor t) => t.reshape(t.shape[0], t.shape[1], NumHeads, HeadDim).transpose(1, 2);
}
