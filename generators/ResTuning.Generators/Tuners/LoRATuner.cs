using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary><c>[LoRA]</c>: a LoRA beside a Linear, a ConvLoRA beside a Conv2d; mergeable into the frozen weight.</summary>
internal sealed record LoRATuner(int Rank, double Alpha, double Dropout, bool ZeroInit) : TunerKindSpec("lora", "LoRA", IsMergeable: true)
{
    public const string AttributeName = nameof(LoRAAttribute);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (LoRAAttribute)r.Attribute;
        r.RequireLowRank(a.Rank, a.Alpha, a.Dropout);
        return new LoRATuner(a.Rank, a.Alpha, a.Dropout, a.ZeroInit);
    }

    public override DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) =>
        tap.Shape is ModuleShape.Linear or ModuleShape.Conv2d or ModuleShape.Unknown ? null : Incompatible(tap, location, moduleType, "LoRA needs a Linear or a Conv2d module");

    // A ConvLoRA reads its channels, kernel, stride, padding and dilation from the conv itself; a LoRA on a module known
    // at run time only is built by the runtime from what the module turns out to be.
    public override (Width In, Width Out)? OwnWidths(ResolvedTap tap) =>
        tap.Shape is ModuleShape.Conv2d or ModuleShape.Unknown ? (new Width(WidthSource.ConvIn, 0), new Width(WidthSource.ConvOut, 0)) : null;

    public override string Expression(TunerSpec t)
    {
        var common = $"rank: {CSharpText.Int(Rank)}, alpha: {CSharpText.Double(Alpha)}, dropout: {CSharpText.Double(Dropout)}, zeroInit: {CSharpText.Bool(ZeroInit)}, name: {CSharpText.String(t.Name)})";
        return t.Tap.Shape switch
        {
            ModuleShape.Unknown => $"global::ResTuning.Tuners.LoRAFactory.For(module, {CSharpText.String(t.Tap.Path.Text)}, {common}",
            ModuleShape.Conv2d => $"global::ResTuning.Tuners.ConvLoRA.For(module, {common}",
            _ => $"new global::ResTuning.Tuners.LoRA(inFeatures: {WidthText.Of(t.In)}, outFeatures: {WidthText.Of(t.Out)}, {common}",
        };
    }
}
