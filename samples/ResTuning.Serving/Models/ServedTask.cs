using System;
using System.Collections.Generic;

namespace ResTuning.Serving.Models;

/// <summary>
/// One task as served: its bypass (tuners and head, loaded and verified from a checkpoint), its labels, and which version of
/// it this is. Immutable once published: a hot swap publishes a new instance and disposes the old one between batches.
/// </summary>
/// <param name="Name">The task's name (its checkpoint's file name without extension).</param>
/// <param name="Model">The bypass over the shared backbone.</param>
/// <param name="Labels">One label per class.</param>
/// <param name="Version">1 for the first load of this name, one more at every replacement.</param>
/// <param name="Integrity">The checkpoint's integrity hash (<c>restuning.integrity</c>): which weights are served.</param>
/// <param name="Origin">Where the checkpoint came from: <c>folder</c> (the task folder) or <c>upload</c> (<c>PUT /tasks/{name}</c>).</param>
/// <param name="LoadedAt">When it was published.</param>
public sealed record ServedTask(string Name, TaskBypass Model, IReadOnlyList<string> Labels, int Version, string Integrity, string Origin, DateTimeOffset LoadedAt)
{
    /// <summary>Classes of the task's head.</summary>
    public int Classes => Labels.Count;
}
