using System;
using System.Collections.Generic;
using System.Linq;

namespace ResTuning.Samples.Classification;

/// <summary>The methods the main job compares.</summary>
public enum TuningMethod
{
    /// <summary>The same ViT from a random initialisation, every parameter trained: shows what pretraining is worth.</summary>
    Scratch,

    /// <summary>Full fine-tuning: every parameter of the pretrained ViT trains.</summary>
    Full,

    /// <summary>Linear probe: only a new head trains on the frozen features.</summary>
    Linear,

    /// <summary>LoRA (r = 8, α = 16) beside every attention's qkv projection, plus the head.</summary>
    Lora,

    /// <summary>Res-Tuning: Res-Adapters beside every MLP, plus the head.</summary>
    ResTuning,

    /// <summary>Res-Tuning-Bypass: the backbone runs without autograd; adapters form a detached side chain.</summary>
    Bypass,
}

/// <summary>Command-line names, result keys and learning-rate grids of <see cref="TuningMethod"/>.</summary>
public static class TuningMethods
{
    /// <summary>All methods in table order.</summary>
    public static TuningMethod[] All { get; } = Enum.GetValues<TuningMethod>();

    /// <summary>The method's command-line name and <c>results.json</c> key (<c>scratch</c>, <c>full</c>, <c>linear</c>, <c>lora</c>, <c>restuning</c>, <c>bypass</c>).</summary>
    public static string Name(this TuningMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>
    /// The peak learning rates the sweep tries (AdamW, one-cycle), a factor of about 3 apart: fine-tuning a pretrained
    /// network wants small steps, training from scratch larger ones, a new head or a few new tuners larger still. Where a
    /// first sweep chose an end of its grid, the grid was extended past it (chosen on validation data only).
    /// </summary>
    public static IReadOnlyList<double> LearningRates(this TuningMethod method) => method switch
    {
        TuningMethod.Scratch => new[] { 3e-4, 1e-3, 3e-3 },
        TuningMethod.Full => new[] { 1e-4, 3e-4, 1e-3 },
        TuningMethod.Linear => new[] { 3e-2, 1e-1, 3e-1, 1.0 },
        TuningMethod.Lora => new[] { 3e-4, 1e-3, 3e-3, 1e-2 },
        TuningMethod.ResTuning => new[] { 3e-3, 1e-2, 3e-2 },
        _ => new[] { 1e-3, 3e-3, 1e-2 },
    };

    /// <summary>Parses a command-line name.</summary>
    public static bool TryParse(string text, out TuningMethod method)
    {
        var match = All.Where(m => m.Name() == text.Trim().ToLowerInvariant()).ToArray();
        method = match.FirstOrDefault();
        return match.Length == 1;
    }
}
