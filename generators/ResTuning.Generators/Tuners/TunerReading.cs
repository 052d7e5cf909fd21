namespace ResTuning.Generators.Tuners;

/// <summary>
/// What a tuner kind's <c>Read</c> gets: its attribute as written (for spans) and as its own type (for values, defaults
/// included), the label RT0008 names it by, and where errors go.
/// </summary>
internal sealed class TunerReading
{
    private readonly List<DiagnosticInfo> diagnostics;

    public TunerReading(AttributeData data, TunerAttribute attribute, string label, KnownTypes known, List<DiagnosticInfo> diagnostics)
    {
        Data = data;
        Attribute = attribute;
        Label = label;
        Known = known;
        this.diagnostics = diagnostics;
    }

    /// <summary>The application, for argument locations.</summary>
    public AttributeData Data { get; }

    /// <summary>The attribute read into its own type (see <see cref="AttributeReader"/>).</summary>
    public TunerAttribute Attribute { get; }

    /// <summary>The attribute as messages name it, e.g. <c>[ResAdapter("blocks.*.mlp")]</c>.</summary>
    public string Label { get; }

    /// <summary>The compilation's known types.</summary>
    public KnownTypes Known { get; }

    /// <summary>RT0008 on <paramref name="property"/>'s argument unless <paramref name="valid"/>.</summary>
    public void Require(bool valid, string property, ParameterRange range, object actual)
    {
        if (!valid) diagnostics.Add(ModelParser.ParameterError(Data, property, Label, property, range, actual));
    }

    /// <summary>RT0008 on <paramref name="property"/> when <paramref name="actual"/> is outside <paramref name="range"/> (its shared <see cref="ValidRange"/>, the runtime's guard).</summary>
    public void Require(string property, ParameterRange range, double actual) =>
        Require(range.Allows(actual), property, range, actual);

    /// <summary>The same for an integer parameter (its fix writes an integer).</summary>
    public void Require(string property, ParameterRange range, int actual) =>
        Require(range.Allows(actual), property, range, actual);

    /// <summary>RT0008 on a dropout outside [0, 1) (NaN included).</summary>
    public void RequireDropout(double dropout) => Require(nameof(LoRAAttribute.Dropout), ParameterRange.Dropout, dropout);

    /// <summary>RT0008 on the low-rank kinds' (LoRA, DoRA) rank, alpha and dropout: the runtime's <c>RangeGuard.LowRank</c>.</summary>
    public void RequireLowRank(int rank, double alpha, double dropout)
    {
        Require(nameof(LoRAAttribute.Rank), ParameterRange.Positive, rank);
        Require(nameof(LoRAAttribute.Alpha), ParameterRange.Positive, alpha);
        RequireDropout(dropout);
    }

    /// <summary>Adds a diagnostic of the kind's own.</summary>
    public void Report(DiagnosticInfo diagnostic) => diagnostics.Add(diagnostic);
}
