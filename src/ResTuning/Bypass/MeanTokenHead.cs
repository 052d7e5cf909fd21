namespace ResTuning.Bypass;

/// <summary>
/// A classifier for token states <c>[B, N, D]</c>: LayerNorm <c>norm</c>, the mean over all tokens, Linear <c>fc</c>
/// (timm's <c>global_pool='avg'</c>).
/// </summary>
/// <remarks>
/// Bypass tuners act on each token alone, so a <see cref="ClassTokenHead"/> on b_L sees only what the class token's own
/// chain computed from the class-token taps; averaging the tokens lets the head read what the bypass made of every
/// patch token.
/// </remarks>
public sealed class MeanTokenHead : TokenHead
{
    /// <summary>Creates the head.</summary>
    /// <param name="embedDim">Token width D.</param>
    /// <param name="numClasses">Output classes.</param>
    /// <param name="eps">LayerNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public MeanTokenHead(long embedDim, long numClasses, double eps = 1e-6, string name = "head") : base(embedDim, numClasses, eps, name)
    {
    }

    /// <inheritdoc />
    protected override Tensor Pool(Tensor normalisedTokens) => normalisedTokens.mean(new long[] { 1 });
}
