using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Bypass;

/// <summary>
/// A classifier for token states <c>[B, N, D]</c>: LayerNorm <c>norm</c>, the mean over all tokens, Linear <c>fc</c>.
/// </summary>
/// <remarks>
/// Bypass tuners act on each token alone, so a <see cref="ClassTokenHead"/> on b_L sees only what the class token's own
/// chain computed from the class-token taps; averaging the tokens lets the head read what the bypass made of every
/// patch token (timm's <c>global_pool='avg'</c>).
/// </remarks>
public sealed class MeanTokenHead : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    /// <param name="embedDim">Token width D.</param>
    /// <param name="numClasses">Output classes.</param>
    /// <param name="eps">LayerNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public MeanTokenHead(long embedDim, long numClasses, double eps = 1e-6, string name = "head") : base(name)
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

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.dim() != 3 || tokens.shape[2] != fc.in_features)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, -1, fc.in_features }, tokens.shape,
                "The head reads [batch, tokens, width] states with the width it was built for.");
        using var scope = NewDisposeScope();
        return fc.call(norm.call(tokens).mean(new long[] { 1 })).MoveToOuterDisposeScope();
    }
}
