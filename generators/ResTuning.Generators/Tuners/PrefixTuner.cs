using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary><c>[ResPrefix]</c>: learned keys and values queried by the frozen attention it runs beside.</summary>
internal sealed record PrefixTuner(int Length, bool ZeroInit, double InitStd) : TunerKindSpec("prefix", "Res-Prefix", TakesLambda: true)
{
    public const string AttributeName = nameof(ResPrefixAttribute);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (ResPrefixAttribute)r.Attribute;
        r.Require(nameof(a.Length), ParameterRange.Positive, a.Length);
        r.Require(nameof(a.InitStd), ParameterRange.NonNegative, a.InitStd);
        return new PrefixTuner(a.Length, a.ZeroInit, a.InitStd);
    }

    public override DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) =>
        tap.Shape == ModuleShape.Attention ? null : Incompatible(tap, location, moduleType, AttentionTaps.Reason);

    public override string Expression(TunerSpec t) =>
        $"new global::ResTuning.Tuners.ResPrefix(module, length: {CSharpText.Int(Length)}, zeroInit: {CSharpText.Bool(ZeroInit)}, initStd: {CSharpText.Double(InitStd)}, name: {CSharpText.String(t.Name)})";
}
