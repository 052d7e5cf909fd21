using System.Globalization;

namespace ResTuning.Generators.Model;

/// <summary>
/// The valid range of an attribute parameter: the words of RT0008 ("Dim must be <see cref="Text"/>") and the valid value
/// nearest to an invalid one, as the C# expression the RT0008 code fix writes in its place. One instance per kind of
/// range, so a message and its fix cannot drift apart; a range with nothing obvious to suggest returns null (no fix).
/// </summary>
internal sealed class ParameterRange
{
    private readonly Func<object, string?> nearestValid;
    private readonly ValidRange? valid;

    private ParameterRange(string text, Func<object, string?> nearestValid, ValidRange? valid = null)
    {
        Text = text;
        this.nearestValid = nearestValid;
        this.valid = valid;
    }

    /// <summary>
    /// True when <paramref name="value"/> is valid: the shared <see cref="ValidRange"/>'s test, the one the runtime's guards
    /// run too (only for ranges built from one).
    /// </summary>
    /// <exception cref="InvalidOperationException">This range is not a numeric <see cref="ValidRange"/>.</exception>
    public bool Allows(double value) => valid is { } range ? range.Contains(value) : throw new InvalidOperationException($"'{Text}' is not a numeric range.");

    /// <summary>What the value must be, as RT0008 says it.</summary>
    public string Text { get; }

    /// <summary>The valid value nearest to <paramref name="actual"/>, as a C# expression; null when it is valid or there is none to suggest.</summary>
    public string? NearestValid(object actual) => nearestValid(actual);

    /// <summary>A bypass's <c>Downsample</c> beside <c>Upsample = true</c>: the taps go one way; nearest valid value false.</summary>
    public static readonly ParameterRange FalseWithUpsample = new("false when Upsample is true (the taps either grow or shrink)", actual => actual is true ? "false" : null);

    /// <summary>Dims, lengths, ranks, alpha: nearest valid value 1.</summary>
    public static readonly ParameterRange Positive = Numeric(ValidRange.Positive, 1);

    /// <summary>Widths that 0 infers (<c>In</c>, <c>Out</c>, <c>Features</c>): nearest valid value 0.</summary>
    public static readonly ParameterRange PositiveOrInfer = Numeric(ValidRange.PositiveOrInfer, 0);

    /// <summary>Init scales, <c>Classes</c>: nearest valid value 0.</summary>
    public static readonly ParameterRange NonNegative = Numeric(ValidRange.NonNegative, 0);

    /// <summary>Dropout: an invalid dropout falls back to 0 (no dropout), not to the open bound 1.</summary>
    public static readonly ParameterRange Dropout = Numeric(ValidRange.Dropout, 0);

    /// <summary>λ: clamped into [0, 1].</summary>
    public static readonly ParameterRange UnitInterval = Numeric(ValidRange.UnitInterval, v => ValidRange.UnitInterval.Contains(v) ? null : v < 0 ? 0 : 1);

    /// <summary>A scale value: NaN or infinite falls back to the attribute's default, 1.</summary>
    public static readonly ParameterRange Finite = new("finite", actual => actual is double d && (double.IsNaN(d) || double.IsInfinity(d)) ? "1.0" : null);

    /// <summary>A <c>TunerScaleKind</c> cast from an undefined number: the default, <c>Fixed</c>.</summary>
    public static readonly ParameterRange ScaleKind = new("a TunerScaleKind", _ => nameof(TunerScaleKind) + "." + nameof(TunerScaleKind.Fixed));

    /// <summary>An <c>AdapterActivationKind</c> cast from an undefined number: the default, <c>Gelu</c>.</summary>
    public static readonly ParameterRange ActivationKind = new("an AdapterActivationKind", _ => nameof(AdapterActivationKind) + "." + nameof(AdapterActivationKind.Gelu));

    /// <summary>λ on a tuner that has no attention to split: the default, <c>Fixed</c>.</summary>
    public static readonly ParameterRange ScaleKindWithoutLambda = new(
        "Fixed, LearnedScalar or LearnedPerChannel (Lambda is for Res-Prefix/Res-Prompt)", _ => nameof(TunerScaleKind) + "." + nameof(TunerScaleKind.Fixed));

    /// <summary>A tuner name: the same name with every other character replaced by <c>_</c> (null when nothing is left).</summary>
    public static readonly ParameterRange TunerName = new("letters, digits or underscores", actual =>
    {
        var name = new string((actual as string ?? "").Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        return name.Length == 0 ? null : "\"" + name + "\"";
    });

    /// <summary><c>Features</c> of a bypass: 0 is valid (and suggested) only when <c>Widths</c> gives every tap's width.</summary>
    public static ParameterRange BypassFeatures(bool widthsGiven) => widthsGiven ? FeaturesWithWidths : FeaturesWithoutWidths;

    private static readonly ParameterRange FeaturesWithWidths = Numeric("positive, or 0 when Widths is set", v => v >= 0 ? null : 0);

    // Without Widths no value is obviously right: the width of the taps is the user's to state.
    private static readonly ParameterRange FeaturesWithoutWidths = new("positive, or 0 when Widths is set", _ => null);

    /// <summary>A shared <see cref="ValidRange"/> (the runtime guards the same one), suggesting <paramref name="fallback"/> for a value outside it.</summary>
    private static ParameterRange Numeric(ValidRange range, double fallback) => Numeric(range, v => range.Contains(v) ? null : fallback);

    private static ParameterRange Numeric(ValidRange range, Func<double, double?> nearest) => new(range.Text, Numeric(range.Text, nearest).nearestValid, range);

    /// <summary>A range over numbers: <paramref name="nearest"/> maps the value to the nearest valid one (null when valid).</summary>
    private static ParameterRange Numeric(string text, Func<double, double?> nearest) => new(text, actual =>
    {
        double value;
        switch (actual)
        {
            case int i: value = i; break;
            case double d when !double.IsNaN(d): value = d; break;
            default: return null;
        }
        if (nearest(value) is not { } n) return null;
        return actual is int
            ? ((int)n).ToString(CultureInfo.InvariantCulture)
            : n.ToString("0.0###############", CultureInfo.InvariantCulture);
    });
}
