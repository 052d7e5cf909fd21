using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary><c>[ResAdapter]</c>: a Res-Adapter <c>W_up σ(W_down x)</c> beside any module.</summary>
internal sealed record AdapterTuner(int Dim, int In, int Out, double Dropout, bool ZeroInit, AdapterActivationKind Activation) : TunerKindSpec("adapter", "Res-Adapter")
{
    public const string AttributeName = nameof(ResAdapterAttribute);

    public override (int In, int Out) StatedWidths => (In, Out);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (ResAdapterAttribute)r.Attribute;
        r.Require(nameof(a.Dim), ParameterRange.Positive, a.Dim);
        r.Require(nameof(a.In), ParameterRange.PositiveOrInfer, a.In);
        r.Require(nameof(a.Out), ParameterRange.PositiveOrInfer, a.Out);
        r.Require(Enum.IsDefined(typeof(AdapterActivationKind), a.Activation), nameof(a.Activation), ParameterRange.ActivationKind, (int)a.Activation);
        r.RequireDropout(a.Dropout);
        return new AdapterTuner(a.Dim, a.In, a.Out, a.Dropout, a.ZeroInit, a.Activation);
    }

    // down and up with their biases, as ResAdapter registers them.
    public override long? ParametersPerTap(long inWidth, long outWidth) => checked((inWidth * Dim) + Dim + (Dim * outWidth) + outWidth);

    public override string Expression(TunerSpec t) =>
        $"new global::ResTuning.Tuners.ResAdapter(inFeatures: {WidthText.Of(t.In)}, hiddenDim: {CSharpText.Int(Dim)}, outFeatures: {WidthText.Of(t.Out)}, activation: global::ResTuning.AdapterActivationKind.{Activation}, dropout: {CSharpText.Double(Dropout)}, zeroInit: {CSharpText.Bool(ZeroInit)}, name: {CSharpText.String(t.Name)})";
}
