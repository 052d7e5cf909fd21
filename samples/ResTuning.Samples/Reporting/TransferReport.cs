using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ResTuning.Samples.Reporting;

/// <summary>Writes the main job's <c>results.json</c>: the data set, the protocol, the backbone, and per method its accuracy and costs.</summary>
public static class TransferReport
{
    /// <summary>Writes the report to <paramref name="path"/> (through a temporary file, so a reader never sees half of it).</summary>
    public static void Write(string path, string dataset, string backbone, string protocol, double? sourceAccuracy, double wallSeconds, IReadOnlyList<MethodResult> results)
    {
        var report = new Dictionary<string, object?>
        {
            ["dataset"] = dataset,
            ["backbone"] = backbone,
            ["protocol"] = protocol,
            ["source_accuracy"] = sourceAccuracy,
            ["wall_seconds"] = wallSeconds,
            ["methods"] = results.ToDictionary(r => r.Method, r => (object)new Dictionary<string, object>
            {
                ["accuracy_mean"] = r.AccuracyMean,
                ["accuracy_std"] = r.AccuracyStd,
                ["accuracies"] = r.SeedAccuracies,
                ["lr"] = r.LearningRate,
                ["sweep"] = r.Sweep.Select(p => new Dictionary<string, double> { ["lr"] = p.LearningRate, ["validation_accuracy"] = p.ValidationAccuracy }).ToList(),
                ["trainable"] = r.Trainable,
                ["total"] = r.Total,
                ["ms_per_step"] = r.MsPerStep,
                ["training_bytes"] = r.TrainingBytes,
                ["tap_cache"] = r.TapCacheDType ?? "off",
                ["tap_cache_bytes"] = r.TapCacheBytes,
                ["skipped_steps"] = r.SkippedSteps,
            }),
        };
        AtomicFile.WriteText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    }
}
