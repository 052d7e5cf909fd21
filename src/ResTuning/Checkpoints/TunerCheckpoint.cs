namespace ResTuning.Checkpoints;

/// <summary>
/// Tuner-only checkpoints (PEFT's <c>save_pretrained</c> for adapters): only the named (by default,
/// the trainable) tensors of a module go to a safetensors file, written atomically; loading checks the
/// file's integrity hash (required), structure, names, shapes and values before any weight changes.
/// </summary>
public static class TunerCheckpoint
{
    /// <summary>Metadata key naming the checkpoint kind.</summary>
    public const string FormatKey = "format";

    /// <summary>Metadata value of tuner checkpoints.</summary>
    public const string FormatValue = "restuning-tuners/1";

    /// <summary>State-dict names of the parameters of <paramref name="module"/> that require gradients.</summary>
    public static IReadOnlyList<string> TrainableNames(nn.Module module) =>
        module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToArray();

    /// <summary>Saves the trainable parameters of <paramref name="module"/>.</summary>
    /// <exception cref="ObjectDisposedException">The module has been disposed; the file is left unchanged.</exception>
    public static void Save(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        StateDictLoader.ThrowIfDisposed(module, module.state_dict(), $"save its tuners; '{path}' was left unchanged");
        Save(module, path, TrainableNames(module));
    }

    /// <summary>Saves the named state-dict tensors of <paramref name="module"/> atomically to <paramref name="path"/>.</summary>
    /// <param name="module">The tuned module.</param>
    /// <param name="path">Destination .safetensors file.</param>
    /// <param name="parameterNames">State-dict names to save; at least one.</param>
    /// <param name="metadata">Extra metadata (e.g. the tuned class name).</param>
    /// <exception cref="ObjectDisposedException">The module has been disposed; the file is left unchanged.</exception>
    /// <exception cref="ArgumentException">The path is empty, no name is given, or a name is not in the module's state dict.</exception>
    public static void Save(nn.Module module, string path, IEnumerable<string> parameterNames, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The checkpoint path is empty.", nameof(path));
        // Before the names are enumerated (a generated model computes them from its parameters) and before the file is touched.
        var state = module.state_dict();
        StateDictLoader.ThrowIfDisposed(module, state, $"save its tuners; '{path}' was left unchanged");
        var names = parameterNames.ToList();
        if (names.Count == 0)
            throw new ArgumentException($"No tensors to save: the {module.GetType().Name} has no trainable parameters (all frozen, or disposed); '{path}' was left unchanged.", nameof(parameterNames));
        var unknown = names.Where(n => !state.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"The module has no state-dict entries named {string.Join(", ", unknown)}.", nameof(parameterNames));
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [FormatKey] = FormatValue };
        SafeTensorsFile.Write(path, names.Select(n => new KeyValuePair<string, Tensor>(n, state[n])), meta);
    }

    /// <summary>Loads the trainable parameters of <paramref name="module"/> from <paramref name="path"/>.</summary>
    public static void Load(nn.Module module, string path) => Load(module, path, TrainableNames(module));

    /// <summary>
    /// Loads exactly the named tensors from <paramref name="path"/>. The file must carry its integrity
    /// hash (as every file written by <c>Save</c> does), pass every
    /// structural check and hold exactly these names with the module's shapes and finite values; otherwise
    /// a <see cref="CheckpointException"/> names the file and the problems and no weight changes.
    /// </summary>
    /// <param name="module">The tuned module.</param>
    /// <param name="path">A file written by <c>Save</c>.</param>
    /// <param name="parameterNames">The state-dict names the file must hold.</param>
    /// <param name="allowNonFinite">Load tensors holding NaN or ±Inf; by default they are refused.</param>
    /// <exception cref="CheckpointException">The file is missing, corrupt, edited, without integrity hash, or does not fit the module.</exception>
    public static void Load(nn.Module module, string path, IEnumerable<string> parameterNames, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(parameterNames);
        var (_, tensors) = SafeTensorsFile.ReadFile(path, requireIntegrity: true, header =>
        {
            if (header.Metadata.TryGetValue(FormatKey, out var format) && format != FormatValue)
                throw new CheckpointException(path, $"is a '{format}' checkpoint, not a tuner checkpoint ('{FormatValue}').");
        });
        try
        {
            StateDictLoader.Load(module, tensors, path, parameterNames, strict: true, allowNonFinite);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }
}
