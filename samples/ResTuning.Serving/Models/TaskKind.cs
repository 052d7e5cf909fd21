using System;

namespace ResTuning.Serving.Models;

/// <summary>
/// What a task checkpoint holds, and so how the task runs. A bypass shares the one backbone pass of its batch with every
/// other bypass task; a parallel-tuned model (LoRA, Res-Tuning) changes the backbone itself, so it runs its own copy of the
/// backbone: its own pass.
/// </summary>
public enum TaskKind
{
    /// <summary>A <see cref="TaskBypass"/> (<c>bypass</c>): the shared pass.</summary>
    Bypass,

    /// <summary>A <see cref="TaskLoRA"/> (<c>lora</c>): its own pass.</summary>
    LoRA,

    /// <summary>A <see cref="TaskResTuning"/> (<c>restuning</c>): its own pass.</summary>
    ResTuning,
}

/// <summary>Names of <see cref="TaskKind"/>s: the <c>?kind=</c> of <c>PUT /tasks/{name}</c> and the task folder's file-name suffixes.</summary>
public static class TaskKinds
{
    /// <summary><c>pass</c> of a bypass task's prediction: the batch's one backbone pass.</summary>
    public const string SharedPass = "shared";

    /// <summary><c>pass</c> of a parallel-tuned task's prediction: its own backbone pass.</summary>
    public const string OwnPass = "own";

    /// <summary>The kind's name: <c>bypass</c>, <c>lora</c> or <c>restuning</c>.</summary>
    public static string Name(this TaskKind kind) => kind switch
    {
        TaskKind.LoRA => "lora",
        TaskKind.ResTuning => "restuning",
        _ => "bypass",
    };

    /// <summary>Which backbone pass the kind runs on: <see cref="SharedPass"/> or <see cref="OwnPass"/>.</summary>
    public static string Pass(this TaskKind kind) => kind == TaskKind.Bypass ? SharedPass : OwnPass;

    /// <summary>The kind named <paramref name="name"/> (null or empty: <see cref="TaskKind.Bypass"/>).</summary>
    /// <exception cref="CheckpointRefusedException">An unknown name.</exception>
    public static TaskKind Parse(string? name) => (name ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "bypass" => TaskKind.Bypass,
        "lora" => TaskKind.LoRA,
        "restuning" => TaskKind.ResTuning,
        _ => throw new CheckpointRefusedException($"'{name}' is not a task kind: use bypass (the default), lora or restuning."),
    };

    /// <summary>
    /// Splits a task-folder file name without its extension: <c>{task}.lora</c> and <c>{task}.restuning</c> are parallel-tuned
    /// tasks named <c>{task}</c>; anything else is a bypass task of that name.
    /// </summary>
    public static (string Task, TaskKind Kind) FromFileStem(string stem)
    {
        ArgumentNullException.ThrowIfNull(stem);
        foreach (var kind in new[] { TaskKind.LoRA, TaskKind.ResTuning })
        {
            var suffix = "." + kind.Name();
            if (stem.Length > suffix.Length && stem.EndsWith(suffix, StringComparison.Ordinal)) return (stem[..^suffix.Length], kind);
        }
        return (stem, TaskKind.Bypass);
    }
}
