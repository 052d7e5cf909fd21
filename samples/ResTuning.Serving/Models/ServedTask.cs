using System;
using System.Collections.Generic;
using ResTuning.Backbones;
using static TorchSharp.torch;

namespace ResTuning.Serving.Models;

/// <summary>
/// One task as served: its model (tuners and head, loaded and verified from a checkpoint), its labels, and which version of
/// it this is. Immutable once published: a hot swap publishes a new instance and disposes the old one between batches.
/// </summary>
/// <param name="Name">The task's name (its checkpoint's file name without extension and kind suffix).</param>
/// <param name="Model">A <see cref="TaskBypass"/> over the shared backbone, or a parallel-tuned model over <see cref="OwnBackbone"/>.</param>
/// <param name="Labels">One label per class.</param>
/// <param name="Version">1 for the first load of this name, one more at every replacement.</param>
/// <param name="Integrity">The checkpoint's integrity hash (<c>restuning.integrity</c>): which weights are served.</param>
/// <param name="Origin">Where the checkpoint came from: <c>folder</c> (the task folder) or <c>upload</c> (<c>PUT /tasks/{name}</c>).</param>
/// <param name="LoadedAt">When it was published.</param>
public sealed record ServedTask(string Name, nn.Module<Tensor, Tensor> Model, IReadOnlyList<string> Labels, int Version, string Integrity, string Origin, DateTimeOffset LoadedAt)
{
    /// <summary>Classes of the task's head.</summary>
    public int Classes => Labels.Count;

    /// <summary>What the checkpoint holds (a bypass unless said otherwise).</summary>
    public TaskKind Kind { get; init; } = TaskKind.Bypass;

    /// <summary>A parallel-tuned task's own copy of the backbone (its own pass); null for a bypass.</summary>
    public ResNet? OwnBackbone { get; init; }

    /// <summary><c>shared</c> (the batch's one backbone pass) or <c>own</c> (its own backbone pass).</summary>
    public string Pass => Kind.Pass();

    /// <summary>Releases the model and, for a parallel-tuned task, its own backbone. Worker thread only.</summary>
    public void Release()
    {
        Model.Dispose();
        OwnBackbone?.Dispose();
    }
}
