using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Parallel;

/// <summary>
/// The <see cref="ParallelTap"/>s of one tuned model, keyed by module path. Registered children are named
/// after the path with dots replaced by underscores (<c>blocks.3.mlp</c> → <c>blocks_3_mlp</c>), so a state
/// dict reads <c>taps.blocks_3_mlp.tuners.adapter.down.weight</c>.
/// </summary>
public sealed class TapSet : nn.Module
{
    private readonly Dictionary<string, ParallelTap> taps = new(StringComparer.Ordinal);
    private readonly List<ParallelTap> ordered = new();

    /// <summary>Creates an empty set.</summary>
    /// <param name="name">Module name.</param>
    public TapSet(string name = "taps") : base(name)
    {
    }

    /// <summary>The taps in the order they were created.</summary>
    public IReadOnlyList<ParallelTap> Taps => ordered;

    /// <summary>The tap on <paramref name="path"/>.</summary>
    /// <param name="path">Module path, e.g. <c>blocks.3.mlp</c>.</param>
    public ParallelTap this[string path] => taps.TryGetValue(path, out var tap)
        ? tap
        : throw new KeyNotFoundException($"No tap on '{path}'. Taps: {string.Join(", ", taps.Keys)}.");

    /// <summary>The tap on <paramref name="path"/>, created (and hooked into <paramref name="op"/>) when missing.</summary>
    /// <param name="path">Module path, e.g. <c>blocks.3.mlp</c>.</param>
    /// <param name="op">The backbone module at that path.</param>
    /// <returns>The tap.</returns>
    public ParallelTap GetOrAdd(string path, nn.Module<Tensor, Tensor> op)
    {
        if (taps.TryGetValue(path, out var existing))
        {
            if (!ReferenceEquals(existing.Operator, op))
                throw new ArgumentException($"Tap '{path}' already hooks a different module.", nameof(op));
            return existing;
        }
        var tap = new ParallelTap(op, path);
        taps.Add(path, tap);
        ordered.Add(tap);
        register_module(path.Replace('.', '_'), tap);
        return tap;
    }

    /// <summary>
    /// Throws when a tap's hook has never run: TorchSharp runs forward hooks from <c>call(x)</c> only, so a backbone
    /// that invokes a tapped module with <c>forward(x)</c> would silently skip its tuners.
    /// </summary>
    /// <exception cref="InvalidOperationException">Some tap never ran.</exception>
    public void EnsureAllRan()
    {
        var silent = ordered.Where(t => t.IsAttached && t.Calls == 0).Select(t => t.Path).ToArray();
        if (silent.Length == 0) return;
        throw new InvalidOperationException(
            $"The tuners on {string.Join(", ", silent.Select(p => $"'{p}'"))} did not run during the forward pass. TorchSharp runs forward hooks " +
            "only when a module is invoked with call(x): make the backbone call its submodules with call(x), not forward(x).");
    }

    /// <summary>Merges every LoRA tuner into its linear's weight.</summary>
    /// <returns><c>path/tuner</c> for each tuner merged by this call.</returns>
    public IReadOnlyList<string> Merge() => ordered.SelectMany(t => t.Merge().Select(n => $"{t.Path}/{n}")).ToArray();

    /// <summary>Undoes <see cref="Merge"/>.</summary>
    /// <returns><c>path/tuner</c> for each tuner unmerged by this call.</returns>
    public IReadOnlyList<string> Unmerge() => ordered.SelectMany(t => t.Unmerge().Select(n => $"{t.Path}/{n}")).ToArray();
}
