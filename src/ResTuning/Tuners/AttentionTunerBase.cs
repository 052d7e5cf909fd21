using System;
using ResTuning.Operators;
using static TorchSharp.torch;

namespace ResTuning.Tuners;

/// <summary>
/// Shared forward of Res-Prefix and Res-Prompt: <c>R(x) = Attn(x·W_q, K, V)·W_o</c> with the frozen
/// query and output projections of the attention (the output bias is left to the operator).
/// </summary>
public abstract class AttentionTunerBase : nn.Module<Tensor, Tensor>, IAttentionTuner
{
    /// <summary>Creates the tuner over a frozen attention.</summary>
    protected AttentionTunerBase(string name, IAttentionOperator attention, long length) : base(name)
    {
        this.attention = new AttentionReference(attention ?? throw new ArgumentNullException(nameof(attention)));
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, $"{name}: the length must be positive.");
        Length = length;
    }

    // Held through a plain object: TorchSharp registers a module's Module-valued fields (RegisterComponents runs
    // when a parent registers this tuner), which would list the frozen attention's parameters a second time.
    private readonly AttentionReference attention;

    /// <inheritdoc />
    public IAttentionOperator Attention => attention.Value;

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public abstract (Tensor Key, Tensor Value) KeysValues(long batch);

    /// <summary>Attention of the operator's queries over this tuner's keys and values, projected to the output width.</summary>
    public override Tensor forward(Tensor x)
    {
        ShapeChecks.Tokens(GetName(), x, Attention.EmbedDim);
        using var scope = NewDisposeScope();
        var q = Attention.ProjectQuery(x);
        var (k, v) = KeysValues(x.shape[0]);
        var heads = nn.functional.scaled_dot_product_attention(q, k, v);
        return Attention.ProjectOutput(heads, includeBias: false).MoveToOuterDisposeScope();
    }

    /// <summary>Splits <c>[L, D]</c> into <c>[batch, H, L, D/H]</c> without copying.</summary>
    protected Tensor ToHeads(Tensor rows, long batch) =>
        rows.reshape(1, Length, Attention.NumHeads, Attention.HeadDim).transpose(1, 2).expand(batch, -1, -1, -1);

    private sealed class AttentionReference(IAttentionOperator value)
    {
        public IAttentionOperator Value { get; } = value;
    }
}
