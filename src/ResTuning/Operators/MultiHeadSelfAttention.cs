namespace ResTuning.Operators;

/// <summary>
/// Multi-head self-attention in timm's layout: a fused <c>qkv</c> linear (D → 3D) and an output
/// projection <c>proj</c> (D → D), attention through <c>scaled_dot_product_attention</c>.
/// State-dict names match timm's <c>Attention</c> (<c>qkv.weight</c>, <c>qkv.bias</c>, <c>proj.weight</c>, <c>proj.bias</c>).
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>, IAttentionOperator
{
    private readonly Linear qkv;
    private readonly Linear proj;

    /// <summary>Creates the attention.</summary>
    /// <param name="embedDim">Embedding width D.</param>
    /// <param name="numHeads">Number of heads; must divide <paramref name="embedDim"/>.</param>
    /// <param name="qkvBias">Whether the qkv projection has a bias (timm's default: true).</param>
    /// <param name="name">Module name.</param>
    public MultiHeadSelfAttention(long embedDim, long numHeads, bool qkvBias = true, string name = "attn") : base(name)
    {
        if (embedDim <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "Embedding width must be positive.");
        if (numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), numHeads, $"The number of heads must be positive and divide the embedding width {embedDim}.");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        qkv = nn.Linear(embedDim, 3 * embedDim, hasBias: qkvBias);
        proj = nn.Linear(embedDim, embedDim);
        register_module("qkv", qkv);
        register_module("proj", proj);
    }

    /// <inheritdoc />
    public long EmbedDim { get; }

    /// <inheritdoc />
    public long NumHeads { get; }

    /// <inheritdoc />
    public long HeadDim { get; }

    /// <inheritdoc />
    public string Name => GetName();

    /// <summary>The fused query/key/value projection (D → 3D).</summary>
    public Linear Qkv => qkv;

    /// <summary>The output projection (D → D).</summary>
    public Linear Proj => proj;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        Tuners.ShapeChecks.Tokens(Name, x, EmbedDim);
        using var scope = NewDisposeScope();
        var (q, k, v) = SplitHeads(x);
        var heads = nn.functional.scaled_dot_product_attention(q, k, v);
        // q, k and v are the last views of the fused qkv output (3× the width): free it before the projection allocates.
        q.Dispose();
        k.Dispose();
        v.Dispose();
        return ProjectOutput(heads, includeBias: true).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor ProjectQuery(Tensor x)
    {
        // Slice the fused weight instead of computing all of qkv: only W_q is needed.
        var w = qkv.weight!.narrow(0, 0, EmbedDim);
        var b = qkv.bias is null ? null : qkv.bias.narrow(0, 0, EmbedDim);
        return ToHeads(nn.functional.linear(x, w, b));
    }

    /// <inheritdoc />
    public (Tensor Key, Tensor Value) ProjectKeyValue(Tensor x)
    {
        var w = qkv.weight!.narrow(0, EmbedDim, 2 * EmbedDim);
        var b = qkv.bias is null ? null : qkv.bias.narrow(0, EmbedDim, 2 * EmbedDim);
        var kv = nn.functional.linear(x, w, b);
        var parts = kv.chunk(2, dim: -1);
        return (ToHeads(parts[0]), ToHeads(parts[1]));
    }

    /// <inheritdoc />
    public Tensor ProjectOutput(Tensor heads, bool includeBias)
    {
        using var transposed = heads.transpose(1, 2);
        using var merged = transposed.flatten(2);
        return nn.functional.linear(merged, proj.weight!, includeBias ? proj.bias : null);
    }

    private (Tensor Q, Tensor K, Tensor V) SplitHeads(Tensor x)
    {
        var b = x.shape[0];
        var n = x.shape[1];
        // Only the three head views are kept: the other handles on the fused output are released at once.
        using var fused = qkv.call(x);
        using var split = fused.reshape(b, n, 3, NumHeads, HeadDim);
        using var permuted = split.permute(2, 0, 3, 1, 4);
        var parts = permuted.unbind(0);
        return (parts[0], parts[1], parts[2]);
    }

    private Tensor ToHeads(Tensor t) => t.reshape(t.shape[0], t.shape[1], NumHeads, HeadDim).transpose(1, 2);
}
