using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResTuning.Serving.Images;
using ResTuning.Serving.Models;
using ResTuning.Serving.Monitoring;
using static TorchSharp.torch;

namespace ResTuning.Serving.Batching;

/// <summary>
/// The one thread that does TorchSharp work: it loads the backbone and the task folder, then runs batches from the
/// <see cref="BatchQueue"/> (one backbone pass per batch for every task asked for) and task commands between them. A swap
/// publishes a new <see cref="TaskSet"/> and disposes the replaced task's model; since batches run here too, a batch in
/// flight always finishes on the weights it started with. A parallel-tuned task runs its own backbone pass here as well.
/// </summary>
public sealed class InferenceWorker : IHostedService, IDisposable
{
    private readonly ServingOptions options;
    private readonly ServingMetrics metrics;
    private readonly ILogger<InferenceWorker> logger;
    private readonly Thread thread;
    private readonly string privateFolder = Path.Combine(Path.GetTempPath(), "restuning-serving", Guid.NewGuid().ToString("N"));
    private ServingBackbone? backbone;
    private volatile TaskSet current = TaskSet.Empty;
    private volatile bool ready;
    private volatile string? failure;
    private TaskFolderWatcher? watcher;

    /// <summary>Creates the worker; <see cref="StartAsync"/> starts its thread.</summary>
    public InferenceWorker(IOptions<ServingOptions> options, ServingMetrics metrics, ILogger<InferenceWorker> logger)
    {
        this.options = options.Value;
        this.options.Validate();
        this.metrics = metrics;
        this.logger = logger;
        Queue = new BatchQueue(this.options.MaxQueue);
        thread = new Thread(Run) { Name = "restuning-inference", IsBackground = true };
    }

    /// <summary>The request queue.</summary>
    public BatchQueue Queue { get; }

    /// <summary>The tasks served now.</summary>
    public TaskSet Current => current;

    /// <summary>The backbone's name once loaded.</summary>
    public string BackboneName => options.Backbone;

    /// <summary>The backbone is loaded and at least one task is served.</summary>
    public bool Ready => ready && current.Tasks.Count > 0;

    /// <summary>Why the worker stopped (start-up failed or it crashed); null while healthy.</summary>
    public string? Failure => failure;

    /// <summary>The served options.</summary>
    public ServingOptions Options => options;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        thread.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        watcher?.Dispose();
        Queue.Stop();
        if (thread.IsAlive) thread.Join(TimeSpan.FromSeconds(10));
        return Task.CompletedTask;
    }

    /// <summary>Queues a task change and waits for the worker to apply or refuse it.</summary>
    /// <exception cref="CheckpointRefusedException">The change was refused; nothing served changed.</exception>
    public Task<ServedTask?> SendAsync(TaskCommand command)
    {
        Queue.Add(command);
        return command.Completion.Task;
    }

    /// <summary>Counts and logs a task file refused before it reached the worker (e.g. a FIFO in the task folder).</summary>
    public void ReportRefusal(string name, string reason)
    {
        metrics.Swap(name, "refused");
        logger.LogWarning("Task {Task}: {Reason}", name, reason);
    }

    /// <summary>Writes <paramref name="bytes"/> to a new file only the server uses, for a <see cref="PutTask"/>.</summary>
    public string WritePrivate(byte[] bytes)
    {
        Directory.CreateDirectory(privateFolder);
        var path = Path.Combine(privateFolder, $"{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void Run()
    {
        try
        {
            backbone = ServingBackbone.Load(options);
            var folder = Path.GetFullPath(options.TaskFolder);
            if (options.SeedTasks) DefaultTasks.SeedIfEmpty(folder, backbone, options, logger);
            foreach (var command in TaskFolderWatcher.Scan(folder, this))
                Apply(command);
            ready = true;
            logger.LogInformation("Serving {Count} task(s) on {Backbone} at {Size} px: {Tasks}", current.Tasks.Count, backbone.Name, options.ImageSize, string.Join(", ", current.Tasks.Keys));
            if (options.WatchTaskFolder && Directory.Exists(folder)) watcher = new TaskFolderWatcher(folder, this);
            Loop();
        }
        catch (Exception e)
        {
            failure = e.Message;
            ready = false;
            logger.LogError(e, "The inference worker stopped");
            Queue.Stop();
        }
        finally
        {
            foreach (var task in current.Tasks.Values) task.Release();
            backbone?.Dispose();
            try { if (Directory.Exists(privateFolder)) Directory.Delete(privateFolder, recursive: true); }
            catch (IOException) { }
        }
    }

    private void Loop()
    {
        var maxWait = TimeSpan.FromMilliseconds(options.MaxWaitMs);
        var lastTrim = Stopwatch.GetTimestamp();
        while (Queue.Take(options.MaxBatchSize, maxWait) is { } work)
        {
            var changedTasks = work is TaskCommand;
            if (work is TaskCommand command) Apply(command);
            else RunBatch((List<PendingPrediction>)work);
            // Between batches, on the thread that does the allocating: hands the freed pages of the batches (and of a
            // replaced task's weights) back to the kernel, so the resident set follows what is in use.
            if (options.TrimNativeHeapSeconds > 0 && (changedTasks || Stopwatch.GetElapsedTime(lastTrim).TotalSeconds >= options.TrimNativeHeapSeconds))
            {
                var trimStarted = Stopwatch.GetTimestamp();
                if (ResTuning.Native.NativeHeapPolicy.Trim()) metrics.Trimmed(Stopwatch.GetElapsedTime(trimStarted));
                lastTrim = Stopwatch.GetTimestamp();
            }
        }
    }

    private void Apply(TaskCommand command)
    {
        try
        {
            var set = current;
            set.Tasks.TryGetValue(command.Name, out var old);
            switch (command)
            {
                case PutTask put:
                    ServedTask task;
                    try
                    {
                        if (put.SkipIfUnchanged && old is not null && old.Origin == put.Origin && old.Kind == put.Kind && SameWeights(old, put.Checkpoint))
                        {
                            command.Completion.TrySetResult(old);
                            return;
                        }
                        task = TaskLoader.Load(backbone!, put.Name, put.Checkpoint, put.Labels, (old?.Version ?? 0) + 1, put.Origin, put.Kind);
                    }
                    finally
                    {
                        File.Delete(put.Checkpoint);
                    }
                    if (put.Labels is null && old is not null && old.Classes == task.Classes) task = task with { Labels = old.Labels };
                    current = set.With(task);
                    old?.Release();
                    metrics.Swap(task.Name, "loaded");
                    logger.LogInformation("Task {Task} v{Version} loaded ({Kind}, {Classes} classes, from {Origin})", task.Name, task.Version, task.Kind.Name(), task.Classes, task.Origin);
                    command.Completion.TrySetResult(task);
                    break;
                case DeleteTask delete:
                    if (old is null || (delete.OnlyFrom is not null && old.Origin != delete.OnlyFrom))
                        throw new KeyNotFoundException($"No task '{command.Name}' is served{(delete.OnlyFrom is null ? "" : $" from the {delete.OnlyFrom}")}.");
                    current = set.Without(command.Name);
                    old.Release();
                    metrics.Swap(command.Name, "removed");
                    logger.LogInformation("Task {Task} removed", command.Name);
                    command.Completion.TrySetResult(null);
                    break;
            }
        }
        catch (Exception e) when (e is CheckpointRefusedException or KeyNotFoundException or IOException)
        {
            if (e is CheckpointRefusedException) metrics.Swap(command.Name, "refused");
            logger.LogWarning("Task {Task}: {Reason}", command.Name, e.Message);
            command.Completion.TrySetException(e);
        }
    }

    private static bool SameWeights(ServedTask task, string checkpoint)
    {
        try
        {
            var header = ResTuning.Checkpoints.SafeTensorsFile.ReadHeader(checkpoint);
            return header.Metadata.TryGetValue(ResTuning.Checkpoints.SafeTensorsFile.IntegrityKey, out var integrity) && integrity == task.Integrity;
        }
        catch (ResTuning.Checkpoints.CheckpointException)
        {
            return false;
        }
    }

    private void RunBatch(List<PendingPrediction> batch)
    {
        var set = current;
        var started = Stopwatch.GetTimestamp();
        // A task removed since the request was checked: that request is answered alone, the rest of the batch runs.
        var runnable = new List<PendingPrediction>(batch.Count);
        foreach (var request in batch)
        {
            var missing = request.Tasks.FirstOrDefault(t => !set.Tasks.ContainsKey(t));
            if (missing is null) runnable.Add(request);
            else request.Completion.TrySetException(new RequestRejectedException(404, "unknown-task", "Unknown task", $"Task '{missing}' was removed before this request ran."));
        }
        if (runnable.Count == 0) return;
        var union = set.Tasks.Keys.Where(t => runnable.Any(r => r.Tasks.Contains(t))).ToArray();
        try
        {
            var size = options.ImageSize;
            var plane = 3 * size * size;
            var pixels = new float[runnable.Count * plane];
            for (var i = 0; i < runnable.Count; i++)
                Array.Copy(runnable[i].Pixels, 0, pixels, i * plane, plane);
            float[][] logits;
            using (no_grad())
            using (NewDisposeScope())
            {
                using var images = tensor(pixels, new long[] { runnable.Count, 3, size, size });
                var input = backbone!.ToInput(images);
                // Bypass tasks: one backbone pass for all of them. Parallel-tuned tasks: each its own pass, on this thread too.
                var outputs = new Tensor[union.Length];
                var shared = Enumerable.Range(0, union.Length).Where(t => options.SharedPass && set.Tasks[union[t]].Kind == TaskKind.Bypass).ToArray();
                if (shared.Length > 0)
                {
                    var groupOutputs = set.GroupFor(shared.Select(t => union[t]).ToArray()).forward(input);
                    for (var k = 0; k < shared.Length; k++) outputs[shared[k]] = groupOutputs[k];
                }
                for (var t = 0; t < union.Length; t++)
                    outputs[t] ??= set.Tasks[union[t]].Model.forward(input);
                logits = outputs.Select(o => o.to(ScalarType.Float32).contiguous().data<float>().ToArray()).ToArray();
            }
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            metrics.Batch(runnable.Count, seconds);
            for (var i = 0; i < runnable.Count; i++)
            {
                var request = runnable[i];
                var predictions = request.Tasks.Select(name =>
                {
                    var t = Array.IndexOf(union, name);
                    var task = set.Tasks[name];
                    var row = logits[t].AsSpan(i * task.Classes, task.Classes).ToArray();
                    return Predict(task, row);
                }).ToArray();
                request.Completion.TrySetResult(new PredictionResult(runnable.Count, set.Version, predictions));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "A batch of {Count} failed", runnable.Count);
            foreach (var request in runnable) request.Completion.TrySetException(e);
        }
    }

    private static TaskPrediction Predict(ServedTask task, float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
        var total = exp.Sum();
        var probabilities = exp.Select(v => (float)(v / total)).ToArray();
        var best = Array.IndexOf(logits, max);
        return new TaskPrediction(task.Name, task.Version, task.Pass, task.Labels[best], best, probabilities, logits);
    }

    /// <inheritdoc />
    public void Dispose() => watcher?.Dispose();
}
