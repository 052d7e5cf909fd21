using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ResTuning.Serving.Batching;

/// <summary>
/// The dynamic batcher's queue: requests wait here until the worker takes up to <c>maxBatch</c> of them, as soon as that
/// many wait or the oldest has waited <c>maxWait</c> (Triton's dynamic batcher). A request that times out or whose client
/// goes away is removed at once, freeing its slot. Task commands go before any batch.
/// </summary>
public sealed class BatchQueue
{
    private readonly object gate = new();
    private readonly LinkedList<PendingPrediction> waiting = new();
    private readonly Queue<TaskCommand> commands = new();
    private readonly int capacity;
    private bool stopped;

    /// <summary>Creates a queue holding at most <paramref name="capacity"/> waiting requests.</summary>
    public BatchQueue(int capacity) => this.capacity = capacity;

    /// <summary>Requests waiting now.</summary>
    public int Depth
    {
        get { lock (gate) return waiting.Count; }
    }

    /// <summary>Queues <paramref name="request"/>; false when the queue is full (or stopped).</summary>
    public bool TryAdd(PendingPrediction request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (gate)
        {
            if (stopped || waiting.Count >= capacity) return false;
            request.Node = waiting.AddLast(request);
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>Removes a request the worker has not taken yet; false when it was already taken.</summary>
    public bool TryRemove(PendingPrediction request)
    {
        lock (gate)
        {
            if (request.Node is not { } node) return false;
            waiting.Remove(node);
            request.Node = null;
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>Queues a task command.</summary>
    public void Add(TaskCommand command)
    {
        lock (gate)
        {
            if (stopped) throw new InvalidOperationException("The server is stopping.");
            commands.Enqueue(command);
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Wakes the worker for good; later adds are refused.</summary>
    public void Stop()
    {
        lock (gate)
        {
            stopped = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// Blocks until there is work: a task command, or a batch (full, or its oldest request's wait over). Null once stopped.
    /// </summary>
    public object? Take(int maxBatch, TimeSpan maxWait)
    {
        var waitTicks = (long)(maxWait.TotalSeconds * Stopwatch.Frequency);
        lock (gate)
        {
            while (true)
            {
                if (stopped) return null;
                if (commands.Count > 0) return commands.Dequeue();
                if (waiting.Count == 0)
                {
                    Monitor.Wait(gate);
                    continue;
                }
                var left = waiting.First!.Value.Enqueued + waitTicks - Stopwatch.GetTimestamp();
                if (waiting.Count >= maxBatch || left <= 0) return TakeBatch(maxBatch);
                Monitor.Wait(gate, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency) + TimeSpan.FromTicks(1));
            }
        }
    }

    private List<PendingPrediction> TakeBatch(int maxBatch)
    {
        var batch = new List<PendingPrediction>(Math.Min(maxBatch, waiting.Count));
        while (batch.Count < maxBatch && waiting.First is { } node)
        {
            waiting.RemoveFirst();
            node.Value.Node = null;
            batch.Add(node.Value);
        }
        return batch;
    }
}
