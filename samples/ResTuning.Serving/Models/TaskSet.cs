using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ResTuning.Bypass;

namespace ResTuning.Serving.Models;

/// <summary>
/// The tasks served at one moment, immutable: the worker reads one set per batch, so a batch runs wholly on the weights it
/// started with, and a swap publishes a new set. Groups (one <see cref="MultiTaskBypass"/> per selection of tasks: one
/// backbone pass for all of them) are built on first use, by the worker thread only.
/// </summary>
public sealed class TaskSet
{
    private readonly Dictionary<string, MultiTaskBypass> groups = new(StringComparer.Ordinal);

    /// <summary>Creates a set.</summary>
    public TaskSet(ImmutableSortedDictionary<string, ServedTask> tasks, long version)
    {
        Tasks = tasks;
        Version = version;
    }

    /// <summary>No task.</summary>
    public static TaskSet Empty { get; } = new(ImmutableSortedDictionary.Create<string, ServedTask>(StringComparer.Ordinal), 0);

    /// <summary>The tasks by name.</summary>
    public ImmutableSortedDictionary<string, ServedTask> Tasks { get; }

    /// <summary>Incremented at every change.</summary>
    public long Version { get; }

    /// <summary>This set with <paramref name="task"/> added or replacing the task of its name.</summary>
    public TaskSet With(ServedTask task) => new(Tasks.SetItem(task.Name, task), Version + 1);

    /// <summary>This set without the task <paramref name="name"/>.</summary>
    public TaskSet Without(string name) => new(Tasks.Remove(name), Version + 1);

    /// <summary>The group running <paramref name="tasks"/> (bypass tasks of this set, in order) on one backbone pass. Worker thread only.</summary>
    public MultiTaskBypass GroupFor(IReadOnlyList<string> tasks)
    {
        var key = string.Join('\n', tasks);
        if (!groups.TryGetValue(key, out var group))
        {
            // Wrappers only: the task modules stay owned by their ServedTask (a retired set's groups are never disposed).
            group = new MultiTaskBypass(tasks.Select(t => (ResTuningBypass)((TaskBypass)Tasks[t].Model).Bypass));
            groups[key] = group;
        }
        return group;
    }
}
