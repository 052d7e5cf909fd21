namespace ResTuning.Generators.Diagnostics;

/// <summary>The keys of <see cref="DiagnosticProperty"/> entries that code fixes read.</summary>
internal static class DiagnosticPropertyNames
{
    /// <summary>RT0005: the registered name closest to a misspelled tap segment.</summary>
    public const string Suggestion = "Suggestion";

    /// <summary>RT0008: the valid value nearest to an out-of-range parameter, as a C# literal.</summary>
    public const string ValidValue = "ValidValue";
}
