using System.Globalization;

namespace ResTuning.Generators.Model;

/// <summary>
/// The valid ranges a tuner parameter can be checked against (the <c>expected</c> text of RT0008), and the valid
/// value nearest to an out-of-range one, which the RT0008 code fix writes in its place.
/// </summary>
internal static class ParameterRanges
{
    /// <summary>Dims, lengths, ranks, alpha: nearest valid value 1.</summary>
    public const string Positive = "positive";

    /// <summary>Widths that 0 infers (<c>In</c>, <c>Out</c>, <c>Features</c>): nearest valid value 0.</summary>
    public const string PositiveOrInfer = "positive, or 0 to infer";

    /// <summary>Init scales, <c>Classes</c>: nearest valid value 0.</summary>
    public const string NonNegative = "0 or positive";

    /// <summary>Dropout: an invalid dropout falls back to 0 (no dropout), not to the open bound 1.</summary>
    public const string DropoutRange = "in [0, 1)";

    /// <summary>λ: clamped into [0, 1].</summary>
    public const string UnitInterval = "in [0, 1]";

    /// <summary>
    /// The valid value nearest to <paramref name="actual"/> under <paramref name="expected"/>, as a C# literal of the
    /// parameter's type (<c>1</c> for an int, <c>1.0</c> for a double); null when there is no obvious one (a NaN, an
    /// enum, a range this table does not know).
    /// </summary>
    public static string? NearestValid(string expected, object actual)
    {
        double value;
        switch (actual)
        {
            case int i: value = i; break;
            case double d when !double.IsNaN(d): value = d; break;
            default: return null;
        }
        double? nearest = expected switch
        {
            Positive => value > 0 ? null : 1,
            PositiveOrInfer => value >= 0 ? null : 0,
            NonNegative => value >= 0 ? null : 0,
            DropoutRange => value >= 0 && value < 1 ? null : 0,
            UnitInterval => value < 0 ? 0 : value > 1 ? 1 : null,
            _ => null,
        };
        if (nearest is not { } n) return null;
        return actual is int
            ? ((int)n).ToString(CultureInfo.InvariantCulture)
            : n.ToString("0.0###############", CultureInfo.InvariantCulture);
    }
}
