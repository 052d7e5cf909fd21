using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary>
/// <c>[ChannelAdapter]</c>: a Res-Adapter of 1×1 convolutions beside a module over feature maps. The runtime's
/// <c>ChannelAdapterFactory</c> shapes it from the module (a Conv2d's or a ResNetBlock's channels and stride), so the
/// generated code passes only what the attribute states (0: read from the module).
/// </summary>
internal sealed record ChannelAdapterTuner(int Dim, int In, int Out, int Stride, double Dropout, bool ZeroInit, AdapterActivationKind Activation) : TunerKindSpec("channel_adapter", "channel adapter")
{
    public const string AttributeName = nameof(ChannelAdapterAttribute);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (ChannelAdapterAttribute)r.Attribute;
        r.Require(nameof(a.Dim), ParameterRange.Positive, a.Dim);
        r.Require(nameof(a.In), ParameterRange.PositiveOrInfer, a.In);
        r.Require(nameof(a.Out), ParameterRange.PositiveOrInfer, a.Out);
        r.Require(nameof(a.Stride), ParameterRange.PositiveOrInfer, a.Stride);
        r.Require(Enum.IsDefined(typeof(AdapterActivationKind), a.Activation), nameof(a.Activation), ParameterRange.ActivationKind, (int)a.Activation);
        r.RequireDropout(a.Dropout);
        return new ChannelAdapterTuner(a.Dim, a.In, a.Out, a.Stride, a.Dropout, a.ZeroInit, a.Activation);
    }

    /// <summary>Whether the module tells its channels (a module looked up at run time may).</summary>
    private static bool TellsChannels(ResolvedTap tap) => tap.Shape is ModuleShape.Conv2d or ModuleShape.ResNetBlock or ModuleShape.Unknown;

    public override DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) =>
        TellsChannels(tap) || In > 0 ? null : DiagnosticInfo.Create(DiagnosticDescriptors.ChannelsUnknown, location, tap.Path.Text, moduleType);

    // Its output is [N, C_out, H', W'] wherever it runs.
    public override bool OutputsFeatureMap(ResolvedTap tap) => true;

    // Channels the module tells are read at run time (ConvIn/ConvOut stand for them); stated ones are constants.
    public override (Width In, Width Out)? OwnWidths(ResolvedTap tap) =>
        (In > 0 ? new Width(WidthSource.Constant, In) : new Width(WidthSource.ConvIn, 0),
         Out > 0 ? new Width(WidthSource.Constant, Out) : TellsChannels(tap) ? new Width(WidthSource.ConvOut, 0) : new Width(WidthSource.Constant, In));

    // down and up 1×1 convolutions with their biases, as ChannelAdapter registers them.
    public override long? ParametersPerTap(long inWidth, long outWidth) => checked((inWidth * Dim) + Dim + (Dim * outWidth) + outWidth);

    public override string Expression(TunerSpec t) =>
        $"global::ResTuning.Tuners.ChannelAdapterFactory.For(module, {CSharpText.String(t.Tap.Path.Text)}, hiddenDim: {CSharpText.Int(Dim)}, inChannels: {CSharpText.Int(In)}, outChannels: {CSharpText.Int(Out)}, stride: {CSharpText.Int(Stride)}, activation: global::ResTuning.AdapterActivationKind.{Activation}, dropout: {CSharpText.Double(Dropout)}, zeroInit: {CSharpText.Bool(ZeroInit)}, name: {CSharpText.String(t.Name)})";
}
