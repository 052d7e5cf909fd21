using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using ResTuning.Serving.Batching;
using ResTuning.Serving.Images;
using ResTuning.Serving.Models;
using ResTuning.Serving.Monitoring;

namespace ResTuning.Serving.Endpoints;

/// <summary>
/// <c>POST /predict</c>: a PNG or JPEG body; every task's prediction (or those named by <c>?tasks=a,b</c>) from one backbone
/// pass over the batch the image joins. <c>?logits=true</c> adds the heads' raw outputs.
/// </summary>
public static class PredictEndpoint
{
    /// <summary>The route.</summary>
    public const string Route = "/predict";

    /// <summary>Accepted content types (the image's format is told by its signature).</summary>
    public static readonly string[] ContentTypes = { "image/png", "image/jpeg", "application/octet-stream" };

    /// <summary>Handles one prediction.</summary>
    public static async Task<IResult> Handle(HttpContext http, InferenceWorker worker, ServingMetrics metrics, string? tasks, bool? logits)
    {
        var started = Stopwatch.GetTimestamp();
        var options = worker.Options;
        try
        {
            if (!worker.Ready)
                throw new RequestRejectedException(503, "not-ready", "Not ready", worker.Failure ?? "The model is still loading; see /readyz.");
            RequestBody.RequireContentType(http.Request, ContentTypes);
            var selected = Select(worker.Current, tasks);
            var body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, http.RequestAborted);
            var pixels = ImageDecoder.Decode(body, options.ImageSize, options.MaxPixels);
            var pending = new PendingPrediction(pixels, selected);
            if (!worker.Queue.TryAdd(pending))
            {
                http.Response.Headers.RetryAfter = "1";
                throw new RequestRejectedException(503, "overloaded", "Overloaded", $"{options.MaxQueue} requests are already waiting; retry later.");
            }
            PredictionResult result;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted))
            {
                deadline.CancelAfter(TimeSpan.FromMilliseconds(options.RequestTimeoutMs) - Stopwatch.GetElapsedTime(started));
                try
                {
                    result = await pending.Completion.Task.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    // Free the slot; a request the worker already took finishes there and its answer is dropped.
                    worker.Queue.TryRemove(pending);
                    if (http.RequestAborted.IsCancellationRequested)
                    {
                        metrics.Request("cancelled");
                        return Results.Empty;
                    }
                    metrics.Request("timeout");
                    return Problems.Create(503, "timeout", "Timed out", $"No answer within {options.RequestTimeoutMs} ms.");
                }
            }
            metrics.Request("ok");
            metrics.Answered(result, Stopwatch.GetElapsedTime(started).TotalSeconds);
            var predictions = logits == true ? result.Predictions : result.Predictions.Select(p => p with { Logits = null }).ToArray();
            return Results.Json(new PredictResponse(worker.BackboneName, options.ImageSize, result.BatchSize, result.TaskSetVersion, predictions));
        }
        catch (RequestRejectedException e)
        {
            metrics.Request(e.Status == 503 ? "overloaded" : "rejected");
            return Problems.From(e);
        }
    }

    /// <summary>The task names <paramref name="tasks"/> selects (all when empty), in the order given.</summary>
    /// <exception cref="RequestRejectedException">An unknown or repeated name.</exception>
    public static IReadOnlyList<string> Select(TaskSet set, string? tasks)
    {
        if (string.IsNullOrWhiteSpace(tasks)) return set.Tasks.Keys.ToArray();
        var names = tasks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !set.Tasks.ContainsKey(n)).ToArray();
        if (unknown.Length > 0)
            throw new RequestRejectedException(400, "unknown-task", "Unknown task",
                $"No task named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; served: {string.Join(", ", set.Tasks.Keys)}.");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new RequestRejectedException(400, "repeated-task", "Repeated task", $"'{tasks}' names a task twice.");
        return names;
    }
}

/// <summary>The answer of <c>POST /predict</c>.</summary>
/// <param name="Backbone">The backbone that ran.</param>
/// <param name="ImageSize">The side the image was resized to.</param>
/// <param name="BatchSize">Images in the backbone pass this one ran in.</param>
/// <param name="TaskSetVersion">Version of the served task set.</param>
/// <param name="Predictions">One per selected task.</param>
public sealed record PredictResponse(string Backbone, int ImageSize, int BatchSize, long TaskSetVersion, IReadOnlyList<TaskPrediction> Predictions);
