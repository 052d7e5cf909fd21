using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace ResTuning.Serving.Batching;

/// <summary>One image waiting for the worker: its pixels, the tasks it asked for, and where its answer goes.</summary>
public sealed class PendingPrediction
{
    /// <summary>Creates a request for <paramref name="pixels"/> (planar RGB, 0–255, the served size) and <paramref name="tasks"/>.</summary>
    public PendingPrediction(float[] pixels, IReadOnlyList<string> tasks)
    {
        Pixels = pixels;
        Tasks = tasks;
    }

    /// <summary>Planar RGB <c>[3, S, S]</c>, 0–255.</summary>
    public float[] Pixels { get; }

    /// <summary>The selected task names.</summary>
    public IReadOnlyList<string> Tasks { get; }

    /// <summary>When it was queued (<see cref="Stopwatch.GetTimestamp"/>); the batch window counts from the oldest request.</summary>
    public long Enqueued { get; } = Stopwatch.GetTimestamp();

    /// <summary>Completed by the worker, on the thread pool (never inline on the worker).</summary>
    public TaskCompletionSource<PredictionResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Its place in the queue while waiting; null once taken or removed (guarded by the queue's lock).</summary>
    internal LinkedListNode<PendingPrediction>? Node { get; set; }
}
