using System;
using static TorchSharp.torch;

namespace ResTuning.Bypass;

/// <summary>
/// Combines a stage's lateral output <c>R(x_l)</c> and vertical output <c>R(b_{l-1})</c>. Create one with
/// <see cref="Sum"/>, <see cref="Lambda"/> or <see cref="LearnedLambda"/>.
/// </summary>
public sealed class BypassMix : nn.Module<Tensor, Tensor, Tensor>
{
    private BypassMix(BypassMixKind kind, double lambda) : base("mix")
    {
        Kind = kind;
        InitialLambda = lambda;
        if (kind == BypassMixKind.LearnedLambda) register_parameter("lambda", nn.Parameter(full(1, lambda)));
    }

    /// <summary>The combination rule.</summary>
    public BypassMixKind Kind { get; }

    /// <summary>λ for the fixed form, its initial value for the learned form, NaN for the sum.</summary>
    public double InitialLambda { get; }

    /// <summary>The learned λ, if any.</summary>
    public TorchSharp.Modules.Parameter? LambdaParameter => get_parameter("lambda");

    /// <summary><c>lateral + vertical</c>.</summary>
    public static BypassMix Sum() => new(BypassMixKind.Sum, double.NaN);

    /// <summary><c>λ·lateral + (1-λ)·vertical</c> with a constant λ in [0, 1].</summary>
    public static BypassMix Lambda(double lambda) => new(BypassMixKind.FixedLambda, CheckLambda(lambda));

    /// <summary><c>λ·lateral + (1-λ)·vertical</c> with λ learned, starting at <paramref name="initial"/> in [0, 1].</summary>
    public static BypassMix LearnedLambda(double initial = 0.5) => new(BypassMixKind.LearnedLambda, CheckLambda(initial));

    /// <inheritdoc />
    public override Tensor forward(Tensor lateral, Tensor vertical) => Kind switch
    {
        BypassMixKind.Sum => lateral + vertical,
        BypassMixKind.FixedLambda => lateral * InitialLambda + vertical * (1 - InitialLambda),
        _ => vertical + (lateral - vertical) * LambdaParameter!,
    };

    private static double CheckLambda(double lambda) => lambda is >= 0 and <= 1
        ? lambda
        : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ weighs the lateral branch against the vertical one; give a value in [0, 1].");
}
