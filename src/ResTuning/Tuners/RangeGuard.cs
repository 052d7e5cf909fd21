using System;

namespace ResTuning.Tuners;

/// <summary>
/// The runtime's check of a tuner argument against the same <see cref="ValidRange"/> the generator's RT0008 tests, in the
/// same words: <c>"LoRA rank must be positive."</c>.
/// </summary>
internal static class RangeGuard
{
    /// <summary>Throws when <paramref name="value"/> is outside <paramref name="range"/>.</summary>
    /// <param name="range">The shared valid range.</param>
    /// <param name="value">The argument.</param>
    /// <param name="parameter">The parameter's name (the exception's <c>ParamName</c>).</param>
    /// <param name="what">What the message calls it, e.g. <c>"LoRA rank"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside the range.</exception>
    public static void Check(ValidRange range, double value, string parameter, string what)
    {
        if (!range.Contains(value)) throw new ArgumentOutOfRangeException(parameter, value, $"{what} must be {range.Text}.");
    }

    /// <summary>The same for an optional argument: null is valid (the default applies).</summary>
    public static void CheckIfGiven(ValidRange range, long? value, string parameter, string what)
    {
        if (value is { } v) Check(range, v, parameter, what);
    }
}
