using TorchSharp.Utils;

namespace ResTuning.Bypass;

/// <summary>
/// Combines a stage's lateral output <c>R(x_l)</c> and vertical output <c>R(b_{l-1})</c>. Create one with
/// <see cref="Sum"/>, <see cref="Lambda"/> or <see cref="LearnedLambda"/>.
/// </summary>
public sealed class BypassMix : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "lambda")]
    private Parameter? learnedLambda;

    private BypassMix(BypassMixKind kind, double lambda) : base("mix")
    {
        Kind = kind;
        InitialLambda = lambda;
        if (kind == BypassMixKind.LearnedLambda)
        {
            learnedLambda = nn.Parameter(full(1, lambda));
            register_parameter("lambda", learnedLambda);
        }
    }

    /// <summary>The combination rule.</summary>
    public BypassMixKind Kind { get; }

    /// <summary>λ for the fixed form, its initial value for the learned form, NaN for the sum.</summary>
    public double InitialLambda { get; }

    /// <summary>The learned λ, if any.</summary>
    public Parameter? LambdaParameter => learnedLambda;

    /// <summary><c>lateral + vertical</c>.</summary>
    public static BypassMix Sum() => new(BypassMixKind.Sum, double.NaN);

    /// <summary><c>λ·lateral + (1-λ)·vertical</c> with a constant λ in [0, 1].</summary>
    public static BypassMix Lambda(double lambda) => new(BypassMixKind.FixedLambda, CheckLambda(lambda));

    /// <summary><c>λ·lateral + (1-λ)·vertical</c> with λ learned, starting at <paramref name="initial"/> in [0, 1].</summary>
    public static BypassMix LearnedLambda(double initial = TunerDefaults.LearnedLambda) => new(BypassMixKind.LearnedLambda, CheckLambda(initial));

    /// <inheritdoc />
    public override Tensor forward(Tensor lateral, Tensor vertical) => Kind switch
    {
        BypassMixKind.Sum => lateral + vertical,
        BypassMixKind.FixedLambda => lateral * InitialLambda + vertical * (1 - InitialLambda),
        _ => vertical + (lateral - vertical) * learnedLambda!,
    };

    /// <summary>The mix is linear, <c>α·lateral + β·vertical</c>: scales a lateral term by α (1, λ or the learned λ).</summary>
    internal Tensor ScaleLateral(Tensor t) => Kind switch
    {
        BypassMixKind.Sum => t,
        BypassMixKind.FixedLambda => t * InitialLambda,
        _ => t * learnedLambda!,
    };

    /// <summary>Scales a vertical term by β (1, 1 − λ or 1 − the learned λ).</summary>
    internal Tensor ScaleVertical(Tensor t) => Kind switch
    {
        BypassMixKind.Sum => t,
        BypassMixKind.FixedLambda => t * (1 - InitialLambda),
        _ => t - t * learnedLambda!,
    };

    /// <summary>Reads the learned λ back from TorchSharp's registry once <c>to(...)</c> has replaced it.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        learnedLambda = ParameterFields.Find(this, "lambda");
    }

    private static double CheckLambda(double lambda) => lambda is >= 0 and <= 1
        ? lambda
        : throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ weighs the lateral branch against the vertical one; give a value in [0, 1].");
}
