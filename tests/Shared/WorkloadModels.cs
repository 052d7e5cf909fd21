using System.Collections.Generic;
using System.Text;

namespace ResTuning.TestSupport;

/// <summary>
/// The annotated classes of the generator benchmark's workload (<see cref="GeneratorWorkload"/>): four tuner
/// configurations over <see cref="Sources.Backbone"/>, cycled. The analyzer tests check that none raises a diagnostic.
/// </summary>
internal static class WorkloadModels
{
    /// <summary>The attribute blocks the classes cycle through.</summary>
    public static readonly IReadOnlyList<string> Configurations = new[]
    {
        "[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Dim = 8)]",
        "[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0..2.attn.qkv\", Rank = 4)]\n[Trainable(\"head\")]",
        "[ResTuning<Demo.TinyVit>]\n[ResPrefix(\"blocks.*.attn\", Length = 5)]\n[ResAdapter(\"extra.*.mlp.fc1\")]",
        "[ResTuning<Demo.TinyVit>]\n[ResPrompt(\"blocks.3.attn\", Length = 4, Scale = TunerScaleKind.Lambda)]\n[Trainable(\"norm\")]",
    };

    /// <summary>The source of <paramref name="classes"/> annotated classes <c>Tuned0…</c> in namespace <c>Demo.Many</c>.</summary>
    /// <param name="classes">How many.</param>
    /// <returns>C# source.</returns>
    public static string Source(int classes)
    {
        var sb = new StringBuilder("using ResTuning;\n\nnamespace Demo.Many;\n\n");
        for (var i = 0; i < classes; i++)
            sb.Append(Configurations[i % Configurations.Count]).Append("\npublic partial class Tuned").Append(i).Append(";\n\n");
        return sb.ToString();
    }
}
