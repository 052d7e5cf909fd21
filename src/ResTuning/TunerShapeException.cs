namespace ResTuning;

/// <summary>
/// Thrown when a tensor reaching a tuner (or leaving it) has a shape that does not fit. The
/// message names the tuner or tap and both shapes, so a mismatch never surfaces as a libtorch crash; a mismatch in a
/// tuner of a parallel model also names the tap the tuner runs on (<see cref="Tap"/>).
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

    private TunerShapeException(TunerShapeException inner, string tap)
        : base($"Tap '{tap}': {inner.Message}", inner)
    {
        Where = inner.Where;
        Expected = inner.Expected;
        Actual = inner.Actual;
        Tap = tap;
    }

    /// <summary>
    /// The path of the backbone module whose tuner saw the mismatch, e.g. <c>blocks.3.mlp</c>, when it was a tuner on a
    /// parallel tap; null otherwise.
    /// </summary>
    public string? Tap { get; }

    /// <summary>The tuner, tap or operator that saw the mismatch.</summary>
    public string Where { get; }

    /// <summary>The expected shape (-1 marks a free dimension).</summary>
    public IReadOnlyList<long> Expected { get; }

    /// <summary>The shape that arrived.</summary>
    public IReadOnlyList<long> Actual { get; }

    /// <summary>
    /// This mismatch seen by a tuner on the parallel tap <paramref name="tap"/>: the same exception (shapes, tuner) whose
    /// message starts with the tap; itself when it names a tap already.
    /// </summary>
    /// <param name="tap">The tap's module path.</param>
    /// <returns>The exception to throw.</returns>
    internal TunerShapeException AtTap(string tap) => Tap is null ? new TunerShapeException(this, tap) : this;

    /// <summary>Formats a shape as <c>[2, 3, 4]</c>, with <c>*</c> for free dimensions.</summary>
    public static string Format(IReadOnlyList<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d < 0 ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
