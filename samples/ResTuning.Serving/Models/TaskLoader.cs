using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Checkpoints;
using static TorchSharp.torch;

namespace ResTuning.Serving.Models;

/// <summary>
/// Builds a task from a checkpoint into a fresh model instance (a bypass over the shared backbone, or a parallel-tuned model
/// over its own copy of the backbone): the head's class count comes from the file's header, and the
/// runtime's <c>LoadTuners</c> verifies integrity hash, names, shapes and finite values before any weight is set. Nothing
/// served changes here; the caller publishes the result. Worker thread only (it creates TorchSharp modules).
/// </summary>
public static partial class TaskLoader
{
    /// <summary>The state-dict name of a bypass task's head weight, <c>[classes, 512]</c>.</summary>
    public const string HeadWeight = "bypass.head.fc.weight";

    /// <summary>The state-dict name of a parallel-tuned task's head weight (the backbone's new <c>fc</c>), <c>[classes, 512]</c>.</summary>
    public const string ParallelHeadWeight = "backbone.fc.weight";

    /// <summary>Most classes a task head may have.</summary>
    public const int MaxClasses = 100_000;

    /// <summary>Task names: a letter or digit, then letters, digits, '.', '_' or '-'; at most 64 characters (they are file names).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex NamePattern();

    /// <summary>Throws when <paramref name="name"/> is not a valid task name.</summary>
    public static void CheckName(string name)
    {
        if (!NamePattern().IsMatch(name ?? ""))
            throw new CheckpointRefusedException($"'{name}' is not a task name: use a letter or digit, then letters, digits, '.', '_' or '-' (at most 64).");
    }

    /// <summary>Loads <paramref name="checkpoint"/> (a regular file the server owns) as task <paramref name="name"/>.</summary>
    /// <param name="backbone">The shared backbone.</param>
    /// <param name="name">The task's name.</param>
    /// <param name="checkpoint">A tuner checkpoint written by <c>SaveTuners</c> of a <see cref="TaskBypass"/>, <see cref="TaskLoRA"/> or <see cref="TaskResTuning"/>.</param>
    /// <param name="labels">One label per class, or null for the class indices.</param>
    /// <param name="version">The version to publish it as.</param>
    /// <param name="origin">Where it came from (<c>folder</c>, <c>upload</c>).</param>
    /// <param name="kind">What the checkpoint holds: a bypass, or a parallel-tuned model (built on its own copy of the backbone).</param>
    /// <exception cref="CheckpointRefusedException">The file is corrupt, edited, not a checkpoint of that kind, or does not fit; the reason is the message.</exception>
    public static ServedTask Load(ServingBackbone backbone, string name, string checkpoint, IReadOnlyList<string>? labels, int version, string origin, TaskKind kind = TaskKind.Bypass)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        CheckName(name);
        SafeTensorsHeader header;
        try
        {
            header = SafeTensorsFile.ReadHeader(checkpoint);
        }
        catch (CheckpointException e)
        {
            throw new CheckpointRefusedException(Reason(e), e);
        }
        var headName = kind == TaskKind.Bypass ? HeadWeight : ParallelHeadWeight;
        var head = header.Entries.FirstOrDefault(e => e.Name == headName)
            ?? throw new CheckpointRefusedException($"The checkpoint has no '{headName}': it is not a {kind.Name()} task checkpoint (tensors: {string.Join(", ", header.Entries.Take(4).Select(e => e.Name))}{(header.Entries.Count > 4 ? ", …" : "")}).");
        if (head.Shape.Count != 2 || head.Shape[0] < 1 || head.Shape[0] > MaxClasses)
            throw new CheckpointRefusedException($"'{headName}' has shape [{string.Join(", ", head.Shape)}]; a task head is [classes (1..{MaxClasses}), {backbone.Model.FeatureDim}].");
        var classes = (int)head.Shape[0];
        if (labels is not null && labels.Count != classes)
            throw new CheckpointRefusedException($"{labels.Count} labels were given for a head of {classes} classes.");

        // Initialising the new modules draws from the process's generator: not while another thread draws seeded weights.
        nn.Module<Tensor, Tensor> model;
        ResNet? own = null;
        lock (ServingBackbone.SeededDraws)
        {
            if (kind == TaskKind.Bypass)
            {
                model = new TaskBypass(backbone.Model, backbone.Source, new PooledHead(backbone.Model.FeatureDim, classes));
            }
            else
            {
                own = OwnBackbone(backbone.Model, classes);
                model = kind == TaskKind.LoRA ? new TaskLoRA(own) : new TaskResTuning(own);
            }
        }
        try
        {
            ((ITunedModel)model).LoadTuners(checkpoint);
            model.eval();
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException or InvalidOperationException)
        {
            model.Dispose();
            own?.Dispose();
            throw new CheckpointRefusedException(e is CheckpointException c ? Reason(c) : e.Message, e);
        }
        header.Metadata.TryGetValue(SafeTensorsFile.IntegrityKey, out var integrity);
        return new ServedTask(name, model, labels ?? Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            version, integrity ?? "", origin, DateTimeOffset.UtcNow) { Kind = kind, OwnBackbone = own };
    }

    // A parallel-tuned task's own backbone: the shared one's weights (batch-norm statistics included) and a new head of
    // `classes` classes, which the checkpoint fills.
    private static ResNet OwnBackbone(ResNet shared, int classes)
    {
        var net = new ResNet(shared.Config with { Classes = classes });
        using var _ = no_grad();
        var target = net.state_dict();
        foreach (var (name, value) in shared.state_dict())
            if (!name.StartsWith("fc.", StringComparison.Ordinal)) target[name].copy_(value);
        return net;
    }

    // The runtime names its (private, temporary) file; the client knows the checkpoint by what it sent.
    private static string Reason(CheckpointException e)
    {
        var prefix = $"Checkpoint '{e.Path}': ";
        var reason = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        return "The checkpoint " + reason.Replace($"'{e.Path}'", "the checkpoint", StringComparison.Ordinal);
    }
}
