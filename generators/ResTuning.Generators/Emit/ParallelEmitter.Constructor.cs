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
                body.Line($"taps.GetOrAdd({path}, module).Add({CSharpText.String(tuner.Name)}, {tuner.Kind.Expression(tuner)}, {ScaleExpression(tuner)});"));
            w.Close();
        }
        w.Close();
    }

    // The runtime's scale kinds are named as the Abstractions' (TunerScaleKind.LearnedScalar → TunerScale.LearnedScalar).
    private static string ScaleExpression(TunerSpec t) => t.Scale switch
    {
        TunerScaleKind.LearnedPerChannel => $"global::ResTuning.Parallel.TunerScale.LearnedPerChannel(channels: {WidthText.Of(t.Out)}, initial: {CSharpText.Double(t.ScaleValue)})",
        TunerScaleKind.Lambda => "global::ResTuning.Parallel.TunerScale.Lambda()",
        TunerScaleKind.LearnedScalar => $"global::ResTuning.Parallel.TunerScale.LearnedScalar(initial: {CSharpText.Double(t.ScaleValue)})",
        _ => $"global::ResTuning.Parallel.TunerScale.Fixed(value: {CSharpText.Double(t.ScaleValue)})",
    };
}
