using ResTuning.Operators;

namespace ResTuning.Tuners;

/// <summary>
/// A tuner that contributes extra keys and values to a frozen attention (Res-Prefix, Res-Prompt).
/// <see cref="Parallel.ResParallel"/> uses this to compute the exact λ-weighted combination, which
/// equals the bound form (keys and values concatenated in front of the frozen ones).
/// </summary>
public interface IAttentionTuner
{
    /// <summary>The frozen attention the tuner queries.</summary>
    IAttentionOperator Attention { get; }

    /// <summary>Number of extra keys/values L.</summary>
    long Length { get; }

    /// <summary>The tuner's keys and values, <c>[batch, heads, L, headDim]</c>, for a batch of the given size.</summary>
    (Tensor Key, Tensor Value) KeysValues(long batch);
}
