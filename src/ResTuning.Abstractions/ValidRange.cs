#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>
/// The valid range of a numeric tuner parameter, in one place: the generator's RT0008 says <see cref="Text"/> and tests
/// <see cref="Contains"/> at compile time, and the runtime's constructors test the same value with the same words
/// (<c>"Dropout must be in [0, 1)."</c>), so the compile-time check and the run-time guard cannot drift apart.
/// </summary>
internal readonly struct ValidRange
{
    private readonly double min;
    private readonly bool minInclusive;
    private readonly double max;
    private readonly bool maxInclusive;

    private ValidRange(string text, double min, bool minInclusive, double max, bool maxInclusive)
    {
        Text = text;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
    }

    /// <summary>What a value must be, as messages say it: "Dim must be positive".</summary>
    public string Text { get; }

    /// <summary>True when <paramref name="value"/> is in the range (NaN never is).</summary>
    public bool Contains(double value) =>
        (minInclusive ? value >= min : value > min) && (maxInclusive ? value <= max : value < max);

    /// <summary>Dims, widths, ranks, lengths, strides, alpha.</summary>
    public static readonly ValidRange Positive = new("positive", 0, false, double.PositiveInfinity, true);

    /// <summary>Init scales, <c>Classes</c>, padding.</summary>
    public static readonly ValidRange NonNegative = new("0 or positive", 0, true, double.PositiveInfinity, true);

    /// <summary>Widths that 0 infers (<c>In</c>, <c>Out</c>, <c>Features</c>, a channel adapter's <c>Stride</c>).</summary>
    public static readonly ValidRange PositiveOrInfer = new("positive, or 0 to infer", 0, true, double.PositiveInfinity, true);

    /// <summary>Dropout probabilities.</summary>
    public static readonly ValidRange Dropout = new("in [0, 1)", 0, true, 1, false);

    /// <summary>λ of a bypass.</summary>
    public static readonly ValidRange UnitInterval = new("in [0, 1]", 0, true, 1, true);
}
