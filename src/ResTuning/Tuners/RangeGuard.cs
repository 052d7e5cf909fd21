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

    /// <summary>The hyperparameters every low-rank tuner (LoRA, ConvLoRA, DoRA) takes: rank and α positive, dropout in [0, 1).</summary>
    /// <param name="tuner">What the messages call the tuner: <c>"LoRA rank must be positive."</c>.</param>
    /// <param name="rank">The rank r.</param>
    /// <param name="alpha">The scaling α.</param>
    /// <param name="dropout">The input dropout.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static void LowRank(string tuner, long rank, double alpha, double dropout)
    {
        Check(ValidRange.Positive, rank, nameof(rank), tuner + " rank");
        Check(ValidRange.Positive, alpha, nameof(alpha), tuner + " alpha");
        Check(ValidRange.Dropout, dropout, nameof(dropout), "Dropout");
    }

    /// <summary>The same for each element of an array argument (a convolution's kernel size, stride, padding, dilation).</summary>
    /// <param name="range">The shared valid range, for every element.</param>
    /// <param name="values">The argument.</param>
    /// <param name="parameter">The parameter's name (the exception's <c>ParamName</c>).</param>
    /// <param name="what">What the message calls it, e.g. <c>"ConvLoRA stride"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An element is outside the range (the whole array is the actual value).</exception>
    public static void Check(ValidRange range, IReadOnlyList<long> values, string parameter, string what)
    {
        if (!values.All(v => range.Contains(v)))
            throw new ArgumentOutOfRangeException(parameter, "[" + string.Join(", ", values) + "]", $"{what} must be {range.Text}.");
    }

    /// <summary>The same for an optional argument: null is valid (the default applies).</summary>
    public static void CheckIfGiven(ValidRange range, long? value, string parameter, string what)
    {
        if (value is { } v) Check(range, v, parameter, what);
    }
}
