namespace ResTuning.Bypass;

/// <summary>
/// A classifier for token states <c>[B, N, D]</c>: LayerNorm <c>norm</c>, the class token (index 0), Linear <c>fc</c>.
/// The usual head on a ViT bypass output b_L (timm's <c>global_pool='token'</c>).
/// </summary>
public sealed class ClassTokenHead : TokenHead
{
    /// <summary>Creates the head.</summary>
    /// <param name="embedDim">Token width D.</param>
    /// <param name="numClasses">Output classes.</param>
    /// <param name="eps">LayerNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public ClassTokenHead(long embedDim, long numClasses, double eps = 1e-6, string name = "head") : base(embedDim, numClasses, eps, name)
    {
    }

    /// <inheritdoc />
    protected override Tensor Pool(Tensor normalisedTokens) => normalisedTokens.select(1, 0);
}
