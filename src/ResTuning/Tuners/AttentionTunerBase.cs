using ResTuning.Operators;

namespace ResTuning.Tuners;

/// <summary>
/// Shared forward of Res-Prefix and Res-Prompt: <c>R(x) = Attn(x·W_q, K, V)·W_o</c> with the frozen
/// query and output projections of the attention (the output bias is left to the operator).
/// </summary>
/// <remarks>A subclass registers its parameters itself (<c>register_parameter</c>): registration by reflection is off
/// (see <see cref="RegisterComponents"/>).</remarks>
public abstract class AttentionTunerBase : nn.Module<Tensor, Tensor>, IAttentionTuner
{
    /// <summary>Creates the tuner over a frozen attention.</summary>
    protected AttentionTunerBase(string name, IAttentionOperator attention, long length) : base(name)
    {
        this.attention = attention ?? throw new ArgumentNullException(nameof(attention));
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, $"{name}: the length must be positive.");
        Length = length;
    }

    // Not a child (see RegisterComponents): the frozen attention belongs to the backbone.
    private readonly IAttentionOperator attention;

    /// <inheritdoc />
    public IAttentionOperator Attention => attention;

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

    /// <summary>
    /// Registers nothing by reflection: each tuner registers its parameters itself. TorchSharp's default registers every
    /// Module-valued field (when a parent registers this tuner), which would list the frozen attention's parameters a
    /// second time.
    /// </summary>
    protected override void RegisterComponents()
    {
    }
}
