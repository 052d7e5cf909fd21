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

    /// <summary>Undoes <see cref="Merge"/>: every merged weight gets back its exact value from before merging.</summary>
    /// <returns><c>path/tuner</c> for each tuner unmerged by this call.</returns>
    public IReadOnlyList<string> Unmerge() => ordered.SelectMany(t => t.Unmerge().Select(n => $"{t.Path}/{n}")).ToArray();

    /// <summary>True while some LoRA tuner is merged into its linear's weight.</summary>
    public bool IsMerged => ordered.Any(t => t.IsMerged);

    /// <summary>Throws when a merged tuner's weights changed since merging: the change would silently have no effect.</summary>
    public void EnsureMergedTunersUnchanged()
    {
        foreach (var tap in ordered) tap.EnsureMergedTunersUnchanged();
    }

    /// <summary>
    /// Removes every tap's hook until the returned scope is disposed (PEFT's <c>disable_adapter</c>): inside it the
    /// backbone computes exactly its frozen output. Taps already detached stay detached afterwards.
    /// </summary>
    /// <returns>The scope; disposing it re-attaches the taps it detached.</returns>
    public IDisposable Disable()
    {
        var detached = ordered.Where(t => t.IsAttached).ToArray();
        foreach (var tap in detached) tap.Detach();
        return new Reattach(detached);
    }

    /// <summary>Removes every tap's hook for good; the tuners stay (as modules) until disposed.</summary>
    public void DetachAll()
    {
        foreach (var tap in ordered) tap.Detach();
    }

    /// <summary>
    /// Folds every tuner into its operator's weight for good and removes the hooks (PEFT's <c>merge_and_unload</c>).
    /// Every tuner must be mergeable (a LoRA on a <c>Linear</c>); otherwise nothing changes.
    /// </summary>
    /// <exception cref="InvalidOperationException">Some tuner cannot be merged; it is named, and no weight changed.</exception>
    public void MergeForGoodAndDetach()
    {
        var unmergeable = ordered.SelectMany(t => t.UnmergeableTuners.Select(n => $"{t.Path}/{n}")).ToArray();
        if (unmergeable.Length > 0)
            throw new InvalidOperationException(
                $"Only LoRA tuners on Linear or Conv2d modules and DoRA tuners on their Linear can be merged into the backbone's weights; {string.Join(", ", unmergeable)} cannot, " +
                "and dropping them would change the model's outputs. Nothing was changed: use Unload() to get the backbone without any tuner.");
        // Merging again from the exact weights keeps no copies and gives the same sums as the first merge.
        Unmerge();
        foreach (var tap in ordered)
        {
            tap.MergeForGood();
            tap.Detach();
        }
    }

    private sealed class Reattach(ParallelTap[] taps) : IDisposable
    {
        private ParallelTap[]? pending = taps;

        public void Dispose()
        {
            foreach (var tap in pending ?? Array.Empty<ParallelTap>()) tap.Attach();
            pending = null;
        }
    }
}
