using TorchSharp.Utils;

namespace ResTuning.Parallel;

/// <summary>
/// The factor s_k in <c>y = OP(x) + Σ s_k·R_k(x)</c>. Create one with <see cref="Fixed"/>,
/// <see cref="LearnedScalar"/>, <see cref="LearnedPerChannel"/> or <see cref="Lambda"/>.
/// Learned scales own a parameter named <c>scale</c>.
/// </summary>
public sealed class TunerScale : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "scale")]
    private Parameter? scale;

    private TunerScale(TunerScaleKind kind, double value, long channels) : base("scale")
    {
        Kind = kind;
        FixedValue = value;
        Channels = channels;
        if (kind == TunerScaleKind.LearnedScalar)
        {
            scale = nn.Parameter(full(1, value));
            register_parameter("scale", scale);
        }
        else if (kind == TunerScaleKind.LearnedPerChannel)
        {
            scale = nn.Parameter(full(channels, value));
            register_parameter("scale", scale);
        }
    }

    /// <summary>The kind of scale.</summary>
    public TunerScaleKind Kind { get; }

    /// <summary>The constant (for <see cref="TunerScaleKind.Fixed"/>) or the initial value (learned kinds).</summary>
    public double FixedValue { get; }

    /// <summary>Number of channels of a per-channel scale; 0 otherwise.</summary>
    public long Channels { get; }

    /// <summary>The learned parameter, if any.</summary>
    public Parameter? Parameter => scale;

    /// <summary>A constant scale s (1 by default).</summary>
    public static TunerScale Fixed(double value = TunerDefaults.Scale) => new(TunerScaleKind.Fixed, value, 0);

    /// <summary>One learned scalar initialised at <paramref name="initial"/> (0 makes any tuner start as the backbone).</summary>
    public static TunerScale LearnedScalar(double initial = TunerDefaults.Scale) => new(TunerScaleKind.LearnedScalar, initial, 0);

    /// <summary>A learned scale per output channel, initialised at <paramref name="initial"/>.</summary>
    public static TunerScale LearnedPerChannel(long channels, double initial = TunerDefaults.Scale)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A per-channel scale needs a positive channel count.");
        return new(TunerScaleKind.LearnedPerChannel, initial, channels);
    }

    /// <summary>The exact λ-weighting for Res-Prefix/Res-Prompt (see <see cref="TunerScaleKind.Lambda"/>).</summary>
    public static TunerScale Lambda() => new(TunerScaleKind.Lambda, double.NaN, 0);

    /// <summary>Scales a tuner output.</summary>
    public override Tensor forward(Tensor r) => Kind switch
    {
        TunerScaleKind.Fixed => FixedValue == 1.0 ? r : r * FixedValue,
        TunerScaleKind.LearnedScalar or TunerScaleKind.LearnedPerChannel => r * scale!,
        _ => throw new InvalidOperationException("A λ scale has no standalone value: it is applied by ResParallel together with the frozen attention."),
    };

    /// <summary>The factor as a tensor broadcastable over an <c>[out, in]</c> weight update (for merging).</summary>
    internal Tensor AsRowFactor(Device device, ScalarType dtype) => Kind switch
    {
        TunerScaleKind.Fixed => full(1, 1, FixedValue, dtype, device),
        TunerScaleKind.LearnedScalar => scale!.detach().reshape(1, 1).to(dtype, device),
        TunerScaleKind.LearnedPerChannel => scale!.detach().reshape(-1, 1).to(dtype, device),
        _ => throw new InvalidOperationException("A λ scale cannot be merged."),
    };

    /// <summary>Reads the learned scale back from TorchSharp's registry once <c>to(...)</c> has replaced it.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        scale = ParameterFields.Find(this, "scale");
    }
}
