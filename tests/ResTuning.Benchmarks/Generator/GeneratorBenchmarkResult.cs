using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace ResTuning.Benchmarks.Generator;

/// <summary>Figures of one <c>generator</c> benchmark run.</summary>
/// <param name="Classes">Annotated classes in the compilation.</param>
/// <param name="Runs">Timed runs of each kind.</param>
/// <param name="MedianRunMs">Median warm full generator run (a fresh driver over an edited compilation).</param>
/// <param name="EditRerunMs">Median rerun of a warm driver after an edit of an unrelated file.</param>
/// <param name="AnalyzerMsPerClass">Median analyzer pass per class; a full pass of ResTuning.Analyzers over the same compilation, binding included.</param>
internal sealed record GeneratorBenchmarkResult(int Classes, int Runs, double MedianRunMs, double EditRerunMs, double? AnalyzerMsPerClass = null)
{
    /// <summary>Median warm full run divided by <see cref="Classes"/>.</summary>
    public double MsPerClass => MedianRunMs / Classes;

    /// <summary>One JSON line: <c>benchmark</c>, <c>classes</c>, <c>runs</c>, <c>ms_per_class</c>, <c>median_run_ms</c>, <c>edit_rerun_ms</c> (and <c>analyzer_ms_per_class</c> once measured).</summary>
    /// <returns>The line.</returns>
    public string ToJson()
    {
        var fields = new Dictionary<string, object>
        {
            ["benchmark"] = "generator",
            ["classes"] = Classes,
            ["runs"] = Runs,
            ["ms_per_class"] = Math.Round(MsPerClass, 4),
            ["median_run_ms"] = Math.Round(MedianRunMs, 2),
            ["edit_rerun_ms"] = Math.Round(EditRerunMs, 3),
        };
        if (AnalyzerMsPerClass is { } analyzer) fields["analyzer_ms_per_class"] = Math.Round(analyzer, 4);
        return JsonSerializer.Serialize(fields);
    }

    /// <summary>One sentence for people.</summary>
    /// <returns>The sentence.</returns>
    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"generator: {MsPerClass:F3} ms/class ({Classes} classes, median full run {MedianRunMs:F1} ms of {Runs}), edit rerun {EditRerunMs:F2} ms")
        + (AnalyzerMsPerClass is { } a ? string.Create(CultureInfo.InvariantCulture, $", analyzers {a:F3} ms/class") : "");
}
