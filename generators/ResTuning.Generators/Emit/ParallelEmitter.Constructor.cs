using ResTuning.Generators.Abstractions;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

internal static partial class ParallelEmitter
{
    private static void EmitConstructor(SourceWriter w, ParallelSpec spec)
    {
        w.Line("/// <summary>");
        w.Line("/// Wraps <paramref name=\"backbone\"/>: freezes it (except the modules declared <c>[Trainable]</c>), creates the tuners");
        w.Line("/// and hooks them into the backbone's own modules. <c>Unload()</c> or <c>Dispose()</c> gives the backbone back as it was.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"backbone\">The backbone, with its pretrained weights loaded; never disposed by this model.</param>");
        w.Open($"public {CSharpText.Identifier(spec.Type.Name)}({ModelSurface.ParallelParameters(spec.BackboneType)}) : base({CSharpText.String(spec.Type.Name)}, {ModelSurface.ParallelBaseArguments})");
        w.Line("FreezeBackbone();");
        w.Line("AttachTuners();");
        w.Close();
    }

    private static void EmitFreeze(SourceWriter w, ParallelSpec spec)
    {
        w.Open("private void FreezeBackbone()");
        w.Line("var backbone = Backbone;");
        w.Open("foreach (var parameter in backbone.parameters())");
        w.Line("parameter.requires_grad = false;");
        w.Close();
        foreach (var kept in spec.Trainable)
        {
            w.Line();
            w.Line(CSharpText.Comment(kept.Source));
            w.Open("");
            TapWalk.Emit(w, kept.Tap, "backbone", (body, path) => body.Line($"KeepTrainable({path}, module);"));
            w.Close();
        }
        w.Close();
    }

    private static void EmitAttach(SourceWriter w, ParallelSpec spec)
    {
        w.Open("private void AttachTuners()");
        w.Line("var backbone = Backbone;");
        w.Line("var taps = Taps;");
        foreach (var tuner in spec.Tuners)
        {
            w.Line();
            w.Line(CSharpText.Comment(tuner.Source));
            w.Open("");
            TapWalk.Emit(w, tuner.Tap, "backbone", (body, path) =>
                body.Line($"taps.GetOrAdd({path}, module).Add({CSharpText.String(tuner.Name)}, {TunerExpression(tuner)}, {ScaleExpression(tuner)});"));
            w.Close();
        }
        w.Close();
    }

    // Named arguments: the generated line says what each number is (the runtime constructors are the reference).
    private static string TunerExpression(TunerSpec t) => t.Kind switch
    {
        TunerKindModel.Adapter =>
            $"new global::ResTuning.Tuners.ResAdapter(inFeatures: {WidthExpression(t.In)}, hiddenDim: {CSharpText.Int(t.Dim)}, outFeatures: {WidthExpression(t.Out)}, activation: global::ResTuning.Tuners.AdapterActivation.{t.Activation}, dropout: {CSharpText.Double(t.Dropout)}, zeroInit: {CSharpText.Bool(t.ZeroInit)}, name: {CSharpText.String(t.Name)})",
        TunerKindModel.Prefix =>
            $"new global::ResTuning.Tuners.ResPrefix(module, length: {CSharpText.Int(t.Length)}, zeroInit: {CSharpText.Bool(t.ZeroInit)}, initStd: {CSharpText.Double(t.InitStd)}, name: {CSharpText.String(t.Name)})",
        TunerKindModel.Custom =>
            $"new {t.CustomType}({WidthExpression(t.In)}, {WidthExpression(t.Out)})",
        TunerKindModel.Prompt =>
            $"new global::ResTuning.Tuners.ResPrompt(module, length: {CSharpText.Int(t.Length)}, initRange: {(t.InitRange > 0 ? CSharpText.Double(t.InitRange) : "null")}, name: {CSharpText.String(t.Name)})",
        _ when t.Tap.Shape == ModuleShape.Unknown =>
            $"global::ResTuning.Tuners.LoRAFactory.For(module, {CSharpText.String(t.Tap.Path.Text)}, rank: {CSharpText.Int(t.Rank)}, alpha: {CSharpText.Double(t.Alpha)}, dropout: {CSharpText.Double(t.Dropout)}, zeroInit: {CSharpText.Bool(t.ZeroInit)}, name: {CSharpText.String(t.Name)})",
        _ when t.Tap.Shape == ModuleShape.Conv2d =>
            $"global::ResTuning.Tuners.ConvLoRA.For(module, rank: {CSharpText.Int(t.Rank)}, alpha: {CSharpText.Double(t.Alpha)}, dropout: {CSharpText.Double(t.Dropout)}, zeroInit: {CSharpText.Bool(t.ZeroInit)}, name: {CSharpText.String(t.Name)})",
        _ =>
            $"new global::ResTuning.Tuners.LoRA(inFeatures: {WidthExpression(t.In)}, outFeatures: {WidthExpression(t.Out)}, rank: {CSharpText.Int(t.Rank)}, alpha: {CSharpText.Double(t.Alpha)}, dropout: {CSharpText.Double(t.Dropout)}, zeroInit: {CSharpText.Bool(t.ZeroInit)}, name: {CSharpText.String(t.Name)})",
    };

    // The runtime's scale kinds are named as the Abstractions' (TunerScaleKind.LearnedScalar → TunerScale.LearnedScalar).
    private static string ScaleExpression(TunerSpec t) => t.Scale switch
    {
        TunerScaleKind.LearnedPerChannel => $"global::ResTuning.Parallel.TunerScale.LearnedPerChannel(channels: {WidthExpression(t.Out)}, initial: {CSharpText.Double(t.ScaleValue)})",
        TunerScaleKind.Lambda => "global::ResTuning.Parallel.TunerScale.Lambda()",
        TunerScaleKind.LearnedScalar => $"global::ResTuning.Parallel.TunerScale.LearnedScalar(initial: {CSharpText.Double(t.ScaleValue)})",
        _ => $"global::ResTuning.Parallel.TunerScale.Fixed(value: {CSharpText.Double(t.ScaleValue)})",
    };

    private static string WidthExpression(Width width) => width.Source switch
    {
        WidthSource.LinearIn => "module.in_features",
        WidthSource.LinearOut => "module.out_features",
        WidthSource.AttentionEmbed => "((global::ResTuning.Operators.IAttentionOperator)module).EmbedDim",
        WidthSource.ConvIn => "module.in_channels",
        WidthSource.ConvOut => "module.out_channels",
        _ => CSharpText.Int(width.Value),
    };
}
