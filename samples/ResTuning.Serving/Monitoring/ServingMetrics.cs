using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using ResTuning.Serving.Batching;
using ResTuning.Serving.Models;

namespace ResTuning.Serving.Monitoring;

/// <summary>
/// The server's counters, written by hand in Prometheus' text exposition format (version 0.0.4) at <c>GET /metrics</c>:
/// requests by outcome, batch sizes, end-to-end latency overall and per task, task swaps, queue depth, the native heap (in use, freed but held) and its trims.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The content type of the exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly ConcurrentDictionary<string, long> requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> swaps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Histogram> taskLatency = new(StringComparer.Ordinal);
    private readonly Histogram latency = new(Histogram.LatencySeconds());
    private readonly Histogram batchSizes = new(Histogram.BatchSizes());
    private readonly Histogram batchSeconds = new(Histogram.LatencySeconds());
    private long backbonePasses;
    private long trims;
    private long trimTicks;

    /// <summary>Counts one trim of the native heap by the inference worker and the time it took.</summary>
    public void Trimmed(TimeSpan took)
    {
        Interlocked.Increment(ref trims);
        Interlocked.Add(ref trimTicks, took.Ticks);
    }

    /// <summary>Counts one <c>/predict</c> request ending with <paramref name="outcome"/> (<c>ok</c>, <c>rejected</c>, <c>overloaded</c>, <c>timeout</c>, <c>cancelled</c>).</summary>
    public void Request(string outcome) => requests.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>Records an answered prediction's latency, overall and for each of its tasks.</summary>
    public void Answered(PredictionResult result, double seconds)
    {
        latency.Observe(seconds);
        foreach (var prediction in result.Predictions)
            taskLatency.GetOrAdd(prediction.Task, _ => new Histogram(Histogram.LatencySeconds())).Observe(seconds);
    }

    /// <summary>Records one backbone batch of <paramref name="size"/> images that took <paramref name="seconds"/>.</summary>
    public void Batch(int size, double seconds)
    {
        Interlocked.Increment(ref backbonePasses);
        batchSizes.Observe(size);
        batchSeconds.Observe(seconds);
    }

    /// <summary>Counts a task change: <c>loaded</c>, <c>refused</c>, <c>removed</c>.</summary>
    public void Swap(string task, string result) => swaps.AddOrUpdate($"task=\"{Escape(task)}\",result=\"{result}\"", 1, (_, n) => n + 1);

    /// <summary>Backbone passes so far.</summary>
    public long BackbonePasses => Interlocked.Read(ref backbonePasses);

    /// <summary>Requests so far with <paramref name="outcome"/>.</summary>
    public long Requests(string outcome) => requests.TryGetValue(outcome, out var n) ? n : 0;

    /// <summary>The exposition text.</summary>
    public string Render(TaskSet tasks, int queueDepth)
    {
        var text = new StringBuilder();
        Header(text, "restuning_requests_total", "counter", "Prediction requests by outcome.");
        foreach (var (outcome, n) in requests.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"restuning_requests_total{{outcome=\"{outcome}\"}} {n}\n");
        Header(text, "restuning_request_duration_seconds", "histogram", "End-to-end latency of answered predictions.");
        latency.Write(text, "restuning_request_duration_seconds", "");
        Header(text, "restuning_task_request_duration_seconds", "histogram", "End-to-end latency of answered predictions, per task asked for.");
        foreach (var (task, histogram) in taskLatency.OrderBy(p => p.Key, StringComparer.Ordinal))
            histogram.Write(text, "restuning_task_request_duration_seconds", $"task=\"{Escape(task)}\"");
        Header(text, "restuning_batch_size", "histogram", "Images per backbone pass.");
        batchSizes.Write(text, "restuning_batch_size", "");
        Header(text, "restuning_batch_duration_seconds", "histogram", "Worker time per batch (backbone pass and every task).");
        batchSeconds.Write(text, "restuning_batch_duration_seconds", "");
        Header(text, "restuning_backbone_passes_total", "counter", "Backbone passes.");
        text.Append(CultureInfo.InvariantCulture, $"restuning_backbone_passes_total {BackbonePasses}\n");
        Header(text, "restuning_task_swaps_total", "counter", "Task loads, refusals and removals.");
        foreach (var (labels, n) in swaps.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"restuning_task_swaps_total{{{labels}}} {n}\n");
        Header(text, "restuning_queue_depth", "gauge", "Requests waiting for the worker.");
        text.Append(CultureInfo.InvariantCulture, $"restuning_queue_depth {queueDepth}\n");
        if (NativeHeap.Current() is { } heap)
        {
            Header(text, "restuning_native_heap_in_use_bytes", "gauge", "Native heap (libtorch's tensors) allocated and not freed (glibc mallinfo2).");
            text.Append(CultureInfo.InvariantCulture, $"restuning_native_heap_in_use_bytes {heap.InUse}\n");
            Header(text, "restuning_native_heap_free_held_bytes", "gauge", "Native heap freed but still held by the process (fragmentation; trimmed every Serving:TrimNativeHeapSeconds).");
            text.Append(CultureInfo.InvariantCulture, $"restuning_native_heap_free_held_bytes {heap.FreeHeld}\n");
        }
        Header(text, "restuning_native_heap_trims_total", "counter", "malloc_trim calls by the inference worker.");
        text.Append(CultureInfo.InvariantCulture, $"restuning_native_heap_trims_total {Interlocked.Read(ref trims)}\n");
        Header(text, "restuning_native_heap_trim_seconds_total", "counter", "Worker time spent in malloc_trim.");
        text.Append(CultureInfo.InvariantCulture, $"restuning_native_heap_trim_seconds_total {TimeSpan.FromTicks(Interlocked.Read(ref trimTicks)).TotalSeconds}\n");
        Header(text, "restuning_task_version", "gauge", "Version of each served task's weights.");
        foreach (var task in tasks.Tasks.Values)
            text.Append(CultureInfo.InvariantCulture, $"restuning_task_version{{task=\"{Escape(task.Name)}\"}} {task.Version}\n");
        return text.ToString();
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    // Task names are restricted (TaskLoader.NamePattern), so this is belt and braces.
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
