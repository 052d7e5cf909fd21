using ResTuning.Checkpoints;

namespace ResTuning.Onnx;

/// <summary>Loads an <see cref="OnnxModel"/>'s initializers into a TorchSharp module through a name map.</summary>
public static class OnnxWeights
{
    private const int MaxListed = 20;

    /// <summary>
    /// Copies the initializers of <paramref name="model"/> into <paramref name="module"/>: each ONNX name in
    /// <paramref name="nameMap"/> fills the state-dict entry it maps to. The map must use every initializer (except those in
    /// <paramref name="ignored"/>) and fill every state-dict entry (except those <paramref name="skipEntry"/> accepts; by default
    /// BatchNorm's <c>num_batches_tracked</c> counters, which ONNX does not store). The copy goes through
    /// <see cref="StateDictLoader.Load"/>, so shapes, dtype kinds and finiteness are checked first: on any mismatch no weight changes.
    /// </summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="module">The module to load into.</param>
    /// <param name="nameMap">ONNX initializer name → state-dict name.</param>
    /// <param name="ignored">ONNX initializers deliberately left out (e.g. shape constants of Reshape nodes).</param>
    /// <param name="skipEntry">State-dict entries that need no ONNX tensor; null for the <c>num_batches_tracked</c> default.</param>
    /// <param name="convert">Turns an initializer (by its ONNX name) into the tensor to load, e.g. the transpose of a MatMul weight
    /// stored input × output for an <c>nn.Linear</c>; null to load every initializer as it is. The checks see the converted tensors.</param>
    /// <exception cref="OnnxFormatException">The map names initializers the file lacks or entries the module lacks, maps two initializers to
    /// one entry, leaves initializers unused or entries unfilled; the message lists each group.</exception>
    /// <exception cref="CheckpointException">A mapped tensor's shape or dtype kind does not fit its entry, or it holds NaN/Inf (from <see cref="StateDictLoader"/>).</exception>
    public static void LoadInto(this OnnxModel model, nn.Module module, IReadOnlyDictionary<string, string> nameMap, IEnumerable<string>? ignored = null, Func<string, bool>? skipEntry = null,
        Func<string, Tensor, Tensor>? convert = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(nameMap);
        skipEntry ??= IsBatchCounter;
        var ignoredSet = new HashSet<string>(ignored ?? Array.Empty<string>(), StringComparer.Ordinal);
        var initializers = model.Initializers;
        var stateNames = module.state_dict().Keys.ToList();
        var stateSet = new HashSet<string>(stateNames, StringComparer.Ordinal);

        var problems = new List<string>();
        var notInFile = nameMap.Keys.Where(k => !initializers.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (notInFile.Count > 0) problems.Add($"the name map names initializers the file does not have: {List(notInFile)}");
        var notInModule = nameMap.Where(kv => !stateSet.Contains(kv.Value)).Select(kv => $"{kv.Key} → {kv.Value}").ToList();
        if (notInModule.Count > 0) problems.Add($"the name map targets state-dict entries the module does not have: {List(notInModule)}");
        var twice = nameMap.GroupBy(kv => kv.Value, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} ← {string.Join(" and ", g.Select(kv => kv.Key))}").ToList();
        if (twice.Count > 0) problems.Add($"several initializers map to one entry: {List(twice)}");

        var unused = model.InitializerNames.Where(n => !nameMap.ContainsKey(n) && !ignoredSet.Contains(n)).ToList();
        var targets = new HashSet<string>(nameMap.Values, StringComparer.Ordinal);
        var unfilled = stateNames.Where(n => !targets.Contains(n) && !skipEntry(n)).ToList();
        if (unused.Count > 0 || unfilled.Count > 0)
            problems.Add($"ONNX tensors left unused: {ListOrNone(unused)}; module entries left unfilled: {ListOrNone(unfilled)}");
        if (problems.Count > 0)
            throw new OnnxFormatException(model.Source, $"does not match the {module.GetType().Name}; nothing was loaded. " + string.Join("; ", problems) + ".");

        var renamed = nameMap.ToDictionary(kv => kv.Value, kv => convert is null ? initializers[kv.Key] : convert(kv.Key, initializers[kv.Key]), StringComparer.Ordinal);
        try
        {
            StateDictLoader.Load(module, renamed, model.Source, names: renamed.Keys, strict: true);
        }
        finally
        {
            // Converted tensors are this call's; the initializers stay the model's.
            foreach (var kv in nameMap)
                if (!ReferenceEquals(renamed[kv.Value], initializers[kv.Key])) renamed[kv.Value].Dispose();
        }
    }

    private static bool IsBatchCounter(string name) =>
        name == "num_batches_tracked" || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    private static string ListOrNone(IReadOnlyList<string> items) => items.Count == 0 ? "none" : List(items);

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxListed)) + (items.Count > MaxListed ? $" (and {items.Count - MaxListed} more)" : "");
}
