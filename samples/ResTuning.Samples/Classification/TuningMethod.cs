using System;
using System.Linq;

namespace ResTuning.Samples.Classification;

/// <summary>The fine-tuning methods the sample compares.</summary>
public enum TuningMethod
{
    /// <summary>Every parameter trains (the baseline).</summary>
    Full,

    /// <summary>Only a new head trains on frozen features.</summary>
    Linear,

    /// <summary>LoRA (r = 8, α = 16) beside every attention's qkv projection, plus the head.</summary>
    Lora,

    /// <summary>Res-Tuning: Res-Adapters beside every MLP, plus the head.</summary>
    ResTuning,

    /// <summary>Res-Tuning-Bypass: the backbone runs without autograd; adapters form a detached side chain.</summary>
    Bypass,
}

/// <summary>Command-line names of <see cref="TuningMethod"/>.</summary>
public static class TuningMethods
{
    /// <summary>All methods in table order.</summary>
    public static TuningMethod[] All { get; } = Enum.GetValues<TuningMethod>();

    /// <summary>The method's command-line name (<c>full</c>, <c>linear</c>, <c>lora</c>, <c>restuning</c>, <c>bypass</c>).</summary>
    public static string Name(this TuningMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>Parses a command-line name.</summary>
    public static bool TryParse(string text, out TuningMethod method)
    {
        var match = All.Where(m => m.Name() == text.Trim().ToLowerInvariant()).ToArray();
        method = match.FirstOrDefault();
        return match.Length == 1;
    }
}
