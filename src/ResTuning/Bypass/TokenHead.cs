namespace ResTuning.Bypass;

/// <summary>
/// A classifier for token states <c>[B, N, D]</c>: LayerNorm <c>norm</c>, a pooling of the tokens (<see cref="Pool"/>),
/// Linear <c>fc</c>. The heads of a ViT bypass output b_L derive from it.
/// </summary>
public abstract class TokenHead : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    /// <param name="embedDim">Token width D.</param>
    /// <param name="numClasses">Output classes.</param>
    /// <param name="eps">LayerNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    protected TokenHead(long embedDim, long numClasses, double eps, string name) : base(name)
    {
        if (embedDim <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), embedDim, "Token width must be positive.");
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "A head needs at least one class.");
        norm = nn.LayerNorm(embedDim, eps);
        fc = nn.Linear(embedDim, numClasses);
        register_module("norm", norm);
        register_module("fc", fc);
    }

    /// <summary>The LayerNorm.</summary>
    public LayerNorm Norm => norm;

    /// <summary>The classifier.</summary>
    public Linear Fc => fc;

    /// <summary>Pools normalised tokens <c>[B, N, D]</c> to one vector per example <c>[B, D]</c>.</summary>
    protected abstract Tensor Pool(Tensor normalisedTokens);

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.dim() != 3 || tokens.shape[2] != fc.in_features)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, -1, fc.in_features }, tokens.shape,
                "The head reads [batch, tokens, width] states with the width it was built for.");
        using var scope = NewDisposeScope();
        return fc.call(Pool(norm.call(tokens))).MoveToOuterDisposeScope();
    }
}
