using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace ResTuning.Benchmarks;

/// <summary>The human-readable summary: one row per method and the ratios the issue targets.</summary>
internal static class ResultTable
{
    public static string Format(IReadOnlyList<JsonElement> results, BenchmarkOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var c = o.VitConfig;
        sb.AppendLine(inv, $"ViT {o.Model} (D={c.EmbedDim}, depth={c.Depth}), image {o.Image}, batch {o.Batch}, {o.Dtype} on {o.Device}, {o.Warmup} warmup + {o.Steps} timed steps, {Environment.ProcessorCount} logical cores");
        sb.AppendLine(inv, $"{"method",-20} {"ms/step",10} {"min ms",10} {"peak MiB",10} {"above base",11} {"trainable",12}");
        foreach (var r in results.Where(r => r.TryGetProperty("peak_bytes", out _)))
        {
            var peak = r.GetProperty("peak_bytes").GetInt64();
            var baseBytes = r.GetProperty("baseline_bytes").GetInt64();
            sb.AppendLine(inv, $"{r.GetProperty("method").GetString(),-20} {r.GetProperty("ms_per_step").GetDouble(),10:F1} {r.GetProperty("ms_min").GetDouble(),10:F1} {peak / 1048576.0,10:F0} {(peak - baseBytes) / 1048576.0,11:F0} {r.GetProperty("trainable").GetInt64(),12:N0}");
        }
        JsonElement? Find(string m) => results.Cast<JsonElement?>().FirstOrDefault(r => r!.Value.GetProperty("method").GetString() == m);
        double? Ratio(string a, string b, Func<JsonElement, double> f)
        {
            var x = Find(a);
            var y = Find(b);
            return x is null || y is null ? null : f(x.Value) / f(y.Value);
        }
        static double Peak(JsonElement r) => r.GetProperty("peak_bytes").GetInt64();
        static double Above(JsonElement r) => r.GetProperty("peak_bytes").GetInt64() - r.GetProperty("baseline_bytes").GetInt64();
        static double Ms(JsonElement r) => r.GetProperty("ms_per_step").GetDouble();
        static double MinMs(JsonElement r) => r.GetProperty("ms_min").GetDouble();
        string Show(double? v) => v is null ? "n/a" : v.Value.ToString("F3", inv);
        sb.AppendLine(inv, $"bypass / full_finetune peak memory:              {Show(Ratio("bypass", "full_finetune", Peak))} (target <= 0.35; above process baseline: {Show(Ratio("bypass", "full_finetune", Above))})");
        sb.AppendLine(inv, $"bypass / inference_forward time:                {Show(Ratio("bypass", "inference_forward", Ms))} (GPU target <= 1.25; fastest steps: {Show(Ratio("bypass", "inference_forward", MinMs))})");
        sb.AppendLine(inv, $"multitask_shared / multitask_separate time:     {Show(Ratio("multitask_shared", "multitask_separate", Ms))} (target <= 0.30; fastest steps: {Show(Ratio("multitask_shared", "multitask_separate", MinMs))})");
        sb.AppendLine(inv, $"bypass / full_finetune time:                    {Show(Ratio("bypass", "full_finetune", Ms))}");
        sb.AppendLine(inv, $"bypass_cached / bypass time:                    {Show(Ratio("bypass_cached", "bypass", Ms))} (the tap cache's step: the bypass alone on taps in memory)");
        if (Find(GeneratedComparison.Method) is { } g)
            sb.AppendLine(inv, $"generated / hand-written training step time:    {g.GetProperty("generated_vs_handwritten").GetDouble():F3} (target <= 1.03; parallel {g.GetProperty("parallel_ratio").GetDouble():F3} = {g.GetProperty("parallel_ms_generated").GetDouble():F1}/{g.GetProperty("parallel_ms_handwritten").GetDouble():F1} ms, bypass {g.GetProperty("bypass_ratio").GetDouble():F3} = {g.GetProperty("bypass_ms_generated").GetDouble():F1}/{g.GetProperty("bypass_ms_handwritten").GetDouble():F1} ms; median of per-pair ratios over interleaved steps in one process)");
        return sb.ToString();
    }
}
