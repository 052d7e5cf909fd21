using System.Collections.Generic;
using System.Threading.Tasks;
using ResTuning.Serving.Models;

namespace ResTuning.Serving.Batching;

/// <summary>A change to the served tasks, run by the worker between batches (so a batch never sees half a swap).</summary>
public abstract class TaskCommand
{
    /// <summary>The task's name.</summary>
    public required string Name { get; init; }

    /// <summary>The published task (null after a removal), or the refusal.</summary>
    public TaskCompletionSource<ServedTask?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Adds task <see cref="TaskCommand.Name"/>, or replaces its tuners, from a checkpoint the server owns (deleted afterwards).</summary>
public sealed class PutTask : TaskCommand
{
    /// <summary>A private copy of the checkpoint; the worker deletes it.</summary>
    public required string Checkpoint { get; init; }

    /// <summary>Labels, or null to keep the current ones when the class count matches (else the class indices).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>What the checkpoint holds: a bypass (the default) or a parallel-tuned model.</summary>
    public TaskKind Kind { get; init; } = TaskKind.Bypass;

    /// <summary><c>folder</c> or <c>upload</c>.</summary>
    public required string Origin { get; init; }

    /// <summary>Skip the load when the served task already has these weights (the folder watcher's repeated events).</summary>
    public bool SkipIfUnchanged { get; init; }
}

/// <summary>Removes task <see cref="TaskCommand.Name"/>.</summary>
public sealed class DeleteTask : TaskCommand
{
    /// <summary>Remove only a task that came from this origin (the folder watcher removes only folder tasks); null for any.</summary>
    public string? OnlyFrom { get; init; }
}
