using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ResTuning.Analyzers;

namespace ResTuning.Benchmarks.Generator;

/// <summary>Result of <see cref="AnalyzerTiming.Run"/>.</summary>
/// <param name="Classes">Classes carrying a Res-Tuning mode attribute in the compilation.</param>
/// <param name="MedianWallMs">Median wall time of a full analyzer pass (<c>GetAnalyzerDiagnosticsAsync</c>) over a fresh clone of the compilation, binding included.</param>
/// <param name="MedianAnalyzerMs">Median time spent inside the analyzer's own callbacks (the driver's execution-time telemetry).</param>
/// <param name="Diagnostics">Analyzer diagnostics reported by the last pass.</param>
internal sealed record AnalyzerTimingResult(int Classes, double MedianWallMs, double MedianAnalyzerMs, int Diagnostics)
{
    /// <summary>Wall time per annotated class.</summary>
    public double WallMsPerClass => Classes == 0 ? 0 : MedianWallMs / Classes;

    /// <summary>Analyzer time per annotated class.</summary>
    public double AnalyzerMsPerClass => Classes == 0 ? 0 : MedianAnalyzerMs / Classes;

    /// <summary>One JSON line, like <c>GeneratorBenchmarkResult.ToJson</c>.</summary>
    public string ToJson() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{{\"classes\":{Classes},\"wall_ms_per_class\":{WallMsPerClass:F4},\"analyzer_ms_per_class\":{AnalyzerMsPerClass:F4},\"median_wall_ms\":{MedianWallMs:F2},\"median_analyzer_ms\":{MedianAnalyzerMs:F2},\"diagnostics\":{Diagnostics}}}");
}

/// <summary>
/// Times <see cref="ResTuningConfigurationAnalyzer"/> over any compilation . Each pass runs on <see cref="Compilation.Clone"/>, so it pays the same
/// symbol binding a build pays; one warm-up pass comes first (JIT).
/// </summary>
internal static class AnalyzerTiming
{
    /// <summary>Runs the analyzer <paramref name="runs"/> times over <paramref name="compilation"/> and returns the medians.</summary>
    public static AnalyzerTimingResult Run(Compilation compilation, int runs = 7)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        _ = Pass(compilation.Clone());
        var wall = new List<double>();
        var inside = new List<double>();
        var diagnostics = 0;
        for (var i = 0; i < runs; i++)
        {
            var (wallMs, analyzerMs, count) = Pass(compilation.Clone());
            wall.Add(wallMs);
            inside.Add(analyzerMs);
            diagnostics = count;
        }
        return new AnalyzerTimingResult(CountModels(compilation), Median(wall), Median(inside), diagnostics);
    }

    private static (double WallMs, double AnalyzerMs, int Diagnostics) Pass(Compilation compilation)
    {
        var analyzer = new ResTuningConfigurationAnalyzer();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
        var sw = Stopwatch.StartNew();
        var diagnostics = Task.Run(() => withAnalyzers.GetAnalyzerDiagnosticsAsync()).GetAwaiter().GetResult();
        var wallMs = sw.Elapsed.TotalMilliseconds;
        var telemetry = Task.Run(() => withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default)).GetAwaiter().GetResult();
        return (wallMs, telemetry.ExecutionTime.TotalMilliseconds, diagnostics.Length);
    }

    private static int CountModels(Compilation compilation)
    {
        var modes = new[] { "ResTuning.ResTuningAttribute`1", "ResTuning.ResTuningBypassAttribute`1", "ResTuning.ResTuningMultiTaskAttribute`1" }
            .Select(compilation.GetTypeByMetadataName).Where(t => t is not null).ToList();
        return compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Count(t => t.GetAttributes().Any(a => modes.Contains(a.AttributeClass?.OriginalDefinition, SymbolEqualityComparer.Default)));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
