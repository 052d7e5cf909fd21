using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary><c>[ResPrompt]</c>: learned prompts projected by the frozen attention it runs beside.</summary>
internal sealed record PromptTuner(int Length, double InitRange) : TunerKindSpec("prompt", "Res-Prompt", TakesLambda: true)
{
    public const string AttributeName = nameof(ResPromptAttribute);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (ResPromptAttribute)r.Attribute;
        r.Require(nameof(a.Length), ParameterRange.Positive, a.Length);
        r.Require(nameof(a.InitRange), ParameterRange.NonNegative, a.InitRange);
        return new PromptTuner(a.Length, a.InitRange);
    }

    public override DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) =>
        tap.Shape == ModuleShape.Attention ? null : Incompatible(tap, location, moduleType, AttentionTaps.Reason);

    // InitRange 0 is VPT's sqrt(6 / D), which the runtime computes from the attention's width.
    public override string Expression(TunerSpec t) =>
        $"new global::ResTuning.Tuners.ResPrompt(module, length: {CSharpText.Int(Length)}, initRange: {(InitRange > 0 ? CSharpText.Double(InitRange) : "null")}, name: {CSharpText.String(t.Name)})";
}
