using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using static TorchSharp.torch;

namespace ResTuning.Checkpoints;

/// <summary>
/// Copies named tensors into a module's parameters and buffers, after checking every name and
/// shape first: a mismatched checkpoint changes nothing.
/// </summary>
public static class StateDictLoader
{
    private const int MaxListed = 20;

    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="module"/>. Only the state-dict entries named
    /// in <paramref name="names"/> are considered (all entries when null).
    /// </summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="tensors">Checkpoint tensors by state-dict name.</param>
    /// <param name="path">The checkpoint's path, for messages.</param>
    /// <param name="names">The state-dict names expected in the checkpoint; null for the whole state dict.</param>
    /// <param name="strict">Refuse missing and unexpected names (mis-shaped ones are always refused).</param>
    /// <exception cref="CheckpointException">Names or shapes do not match; lists every problem.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string path, IEnumerable<string>? names = null, bool strict = true)
    {
        var state = module.state_dict();
        var expected = names is null ? state.Keys.ToList() : names.Distinct(StringComparer.Ordinal).ToList();

        var notInModule = expected.Where(n => !state.ContainsKey(n)).ToList();
        if (notInModule.Count > 0)
            throw new ArgumentException($"The module has no state-dict entries named {List(notInModule)}.", nameof(names));

        var expectedSet = new HashSet<string>(expected, StringComparer.Ordinal);
        var missing = expected.Where(n => !tensors.ContainsKey(n)).ToList();
        var unexpected = tensors.Keys.Where(n => !expectedSet.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var misshaped = expected.Where(n => tensors.ContainsKey(n) && !tensors[n].shape.SequenceEqual(state[n].shape))
            .Select(n => $"{n}: checkpoint {TunerShapeException.Format(tensors[n].shape)} vs module {TunerShapeException.Format(state[n].shape)}")
            .ToList();

        var problems = new StringBuilder();
        if (strict && missing.Count > 0) problems.Append($" missing: {List(missing)}.");
        if (strict && unexpected.Count > 0) problems.Append($" unexpected: {List(unexpected)}.");
        if (misshaped.Count > 0) problems.Append($" mis-shaped: {List(misshaped)}.");
        if (problems.Length > 0)
            throw new CheckpointException(path, "does not match the module; nothing was loaded." + problems);

        using var _ = no_grad();
        foreach (var name in expected.Where(tensors.ContainsKey))
            state[name].copy_(tensors[name]);
    }

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxListed)) + (items.Count > MaxListed ? $" (and {items.Count - MaxListed} more)" : "");
}
