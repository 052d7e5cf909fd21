using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary>
/// <c>[DoRA]</c>: weight-decomposed LoRA beside a Linear, built by the runtime's <c>DoRA.For</c> on the tapped Linear
/// itself (it reads that Linear's weight at every forward); mergeable into the frozen weight.
/// </summary>
internal sealed record DoRATuner(int Rank, double Alpha, double Dropout) : TunerKindSpec("dora", "DoRA", IsMergeable: true)
{
    public const string AttributeName = nameof(DoRAAttribute);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (DoRAAttribute)r.Attribute;
        r.RequireLowRank(a.Rank, a.Alpha, a.Dropout);
        return new DoRATuner(a.Rank, a.Alpha, a.Dropout);
    }

    // A module known at run time only is checked by DoRA.For, which names the tap.
    public override DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) =>
        tap.Shape is ModuleShape.Linear or ModuleShape.Unknown ? null : Incompatible(tap, location, moduleType, "DoRA needs a Linear module");

    // The runtime reads the widths from the Linear (LinearIn/LinearOut, or the factory's for a module known at run time).
    public override (Width In, Width Out)? OwnWidths(ResolvedTap tap) =>
        tap.Shape is ModuleShape.Unknown ? (new Width(WidthSource.LinearIn, 0), new Width(WidthSource.LinearOut, 0)) : null;

    // lora_A [r, in], lora_B [out, r], lora_magnitude_vector [out], as DoRA registers them.
    public override long? ParametersPerTap(long inWidth, long outWidth) => checked((Rank * inWidth) + (outWidth * Rank) + outWidth);

    public override string Expression(TunerSpec t) =>
        $"global::ResTuning.Tuners.DoRA.For(module, {CSharpText.String(t.Tap.Path.Text)}, rank: {CSharpText.Int(Rank)}, alpha: {CSharpText.Double(Alpha)}, dropout: {CSharpText.Double(Dropout)}, name: {CSharpText.String(t.Name)})";
}
