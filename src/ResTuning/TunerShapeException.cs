using System;
using System.Collections.Generic;
using System.Linq;

namespace ResTuning;

/// <summary>
/// Thrown when a tensor reaching a tuner (or leaving it) has a shape that does not fit. The
/// message names the tuner or tap and both shapes, so a mismatch never surfaces as a libtorch crash.
/// </summary>
public sealed class TunerShapeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="where">The tuner, tap or operator that saw the mismatch.</param>
    /// <param name="what">What was being checked, e.g. "input" or "output".</param>
    /// <param name="expected">The shape that was expected (-1 marks a free dimension).</param>
    /// <param name="actual">The shape that arrived.</param>
    /// <param name="fix">A short hint on how to fix it.</param>
    public TunerShapeException(string where, string what, IReadOnlyList<long> expected, IReadOnlyList<long> actual, string fix)
        : base($"{where}: {what} shape {Format(actual)} does not match the expected {Format(expected)}. {fix}")
    {
        Where = where;
        Expected = expected.ToArray();
        Actual = actual.ToArray();
    }

    /// <summary>The tuner, tap or operator that saw the mismatch.</summary>
    public string Where { get; }

    /// <summary>The expected shape (-1 marks a free dimension).</summary>
    public IReadOnlyList<long> Expected { get; }

    /// <summary>The shape that arrived.</summary>
    public IReadOnlyList<long> Actual { get; }

    /// <summary>Formats a shape as <c>[2, 3, 4]</c>, with <c>*</c> for free dimensions.</summary>
    public static string Format(IReadOnlyList<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d < 0 ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
