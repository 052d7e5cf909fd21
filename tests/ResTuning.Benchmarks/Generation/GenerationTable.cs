using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace ResTuning.Benchmarks.Generation;

/// <summary>The human-readable summary of <c>generation</c>: the pretrained U-Net, then one row per method.</summary>
internal static class GenerationTable
{
    public static string Format(IReadOnlyList<JsonElement> results, double beforeLoss, GenerationBenchOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = o.Settings;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"DDPM U-Net adapted to the target style: image {s.ImageSize}, batch {s.Batch}, {s.Epochs} epochs over {s.TrainExamples} images, T = {s.Steps}, on {s.Device}, {Environment.ProcessorCount} logical cores");
        sb.AppendLine(inv, $"{"method",-20} {"held-out loss",13} {"train loss",10} {"trainable",12} {"trainable %",11} {"ms/step",8} {"training MiB",12} {"vs full",7}");
        sb.AppendLine(inv, $"{"pretrained (before)",-20} {beforeLoss,13:F4} {"-",10} {0,12} {0.0,11:F2} {"-",8} {"-",12} {"-",7}");
        var full = results.Cast<JsonElement?>().FirstOrDefault(r => r!.Value.GetProperty("method").GetString() == "full");
        var fullBytes = full?.GetProperty("training_bytes").GetInt64() ?? 0;
        foreach (var r in results)
        {
            var trainable = r.GetProperty("trainable").GetInt64();
            var bytes = r.GetProperty("training_bytes").GetInt64();
            var vsFull = fullBytes == 0 ? "-" : (bytes / (double)fullBytes).ToString("F2", inv) + "x";
            sb.AppendLine(inv, $"{r.GetProperty("method").GetString(),-20} {r.GetProperty("eval_loss").GetDouble(),13:F4} {r.GetProperty("final_train_loss").GetDouble(),10:F4} {trainable,12:N0} " +
                $"{100.0 * trainable / Math.Max(1, r.GetProperty("total_params").GetInt64()),11:F2} {r.GetProperty("ms_per_step").GetDouble(),8:F1} {bytes / 1048576.0,12:F0} {vsFull,7}");
        }
        sb.AppendLine("held-out loss: DDPM ε-prediction MSE on 256 target-style images with fixed timesteps and noise; train loss: mean of the last 20 steps;");
        sb.AppendLine("training MiB: peak resident set during training minus the resident set just before it, each method in its own process.");
        return sb.ToString();
    }
}
