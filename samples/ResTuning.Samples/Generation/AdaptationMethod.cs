using System;
using System.Linq;

namespace ResTuning.Samples.Generation;

/// <summary>How the generative sample adapts the pretrained U-Net to the target style.</summary>
public enum AdaptationMethod
{
    /// <summary>Res-Tuning-Bypass on the decoder taps; the U-Net stays frozen and runs without autograd.</summary>
    Bypass,

    /// <summary>Full fine-tuning of every U-Net parameter (the baseline).</summary>
    Full,
}

/// <summary>Command-line names of <see cref="AdaptationMethod"/>.</summary>
public static class AdaptationMethods
{
    /// <summary>All methods in table order.</summary>
    public static AdaptationMethod[] All { get; } = Enum.GetValues<AdaptationMethod>();

    /// <summary>The command-line name (<c>bypass</c>, <c>full</c>).</summary>
    public static string Name(this AdaptationMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>The AdamW learning rate of <paramref name="method"/>: lower when every pretrained weight moves.</summary>
    public static double LearningRate(this AdaptationMethod method) => method == AdaptationMethod.Full ? 5e-4 : 2e-3;

    /// <summary>Parses a command-line name.</summary>
    public static bool TryParse(string text, out AdaptationMethod method)
    {
        var match = All.Where(m => m.Name() == text.Trim().ToLowerInvariant()).ToArray();
        method = match.FirstOrDefault();
        return match.Length == 1;
    }
}
