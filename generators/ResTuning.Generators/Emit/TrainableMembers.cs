namespace ResTuning.Generators.Emit;

/// <summary>
/// The one member about trainable parameters that is configuration-specific: their count when the generator knows it.
/// Enumeration, counts, PEFT's summary line and tuner checkpoints are the runtime base's (<c>ResTuning.TunedModel</c>).
/// </summary>
internal static class TrainableMembers
{
    public static void EmitConstantCount(SourceWriter w, long count, string summary)
    {
        w.Line($"/// <summary>{summary}</summary>");
        w.Line($"public const long TrainableParameterCount = {CSharpText.Long(count)};");
    }
}
