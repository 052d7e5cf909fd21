using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace ResTuning.Checkpoints;

/// <summary>
/// Tuner-only checkpoints (PEFT's <c>save_pretrained</c> for adapters): only the named (by default,
/// the trainable) tensors of a module go to a safetensors file, written atomically; loading checks the
/// file's integrity, names and shapes before any weight changes.
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
    public static void Save(nn.Module module, string path) => Save(module, path, TrainableNames(module));

    /// <summary>Saves the named state-dict tensors of <paramref name="module"/> atomically to <paramref name="path"/>.</summary>
    /// <param name="module">The tuned module.</param>
    /// <param name="path">Destination .safetensors file.</param>
    /// <param name="parameterNames">State-dict names to save.</param>
    /// <param name="metadata">Extra metadata (e.g. the tuned class name).</param>
    public static void Save(nn.Module module, string path, IEnumerable<string> parameterNames, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var state = module.state_dict();
        var names = parameterNames.ToList();
        var unknown = names.Where(n => !state.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"The module has no state-dict entries named {string.Join(", ", unknown)}.", nameof(parameterNames));
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [FormatKey] = FormatValue };
        SafeTensorsFile.Write(path, names.Select(n => new KeyValuePair<string, Tensor>(n, state[n])), meta);
    }

    /// <summary>Loads the trainable parameters of <paramref name="module"/> from <paramref name="path"/>.</summary>
    public static void Load(nn.Module module, string path) => Load(module, path, TrainableNames(module));

    /// <summary>
    /// Loads exactly the named tensors from <paramref name="path"/>. The file must hold exactly these
    /// names with the module's shapes; otherwise a <see cref="CheckpointException"/> lists the
    /// problems and no weight changes.
    /// </summary>
    public static void Load(nn.Module module, string path, IEnumerable<string> parameterNames)
    {
        var header = SafeTensorsFile.ReadHeader(path);
        if (header.Metadata.TryGetValue(FormatKey, out var format) && format != FormatValue)
            throw new CheckpointException(path, $"is a '{format}' checkpoint, not a tuner checkpoint ('{FormatValue}').");
        var tensors = SafeTensorsFile.Read(path);
        StateDictLoader.Load(module, tensors, path, parameterNames, strict: true);
    }
}
