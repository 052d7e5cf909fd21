namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits the members of a parallel Res-Tuning model. One file per member group:
/// <c>ParallelEmitter.Constructor.cs</c> (constructor, freezing, tuner wiring),
/// <c>ParallelEmitter.Parameters.cs</c> (merging, when a LoRA is declared), and <c>TapWalk.cs</c> (reaching tapped
/// modules). Everything else is the runtime base <c>ResTuning.Parallel.ParallelModel&lt;TBackbone&gt;</c>.
/// </summary>
internal static partial class ParallelEmitter
{
    public const string Tensor = ModelFile.Tensor;

    public static string Emit(ParallelSpec spec) => ModelFile.Emit(spec.Type, ModelSurface.ParallelBase(spec.BackboneType), new[]
    {
        $"Parallel Res-Tuning over a frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: each tuner runs beside the module its tap names,",
        "reads that module's input and adds its output (<c>y = OP(x) + Σ s_k·R_k(x)</c>) through a forward hook.",
        "Forward, trainable parameters, checkpoints and the lifecycle (<c>DisableTuners</c>, <c>Unload</c>) come from the runtime base.",
    }, w =>
    {
        EmitConstructor(w, spec);
        w.Line();
        EmitFreeze(w, spec);
        w.Line();
        EmitAttach(w, spec);
        if (spec.TrainableParameterCount >= 0)
        {
            w.Line();
            TrainableMembers.EmitConstantCount(w, spec.TrainableParameterCount, "Number of trainable parameters, computed at compile time from the tuner widths.");
        }
        if (spec.HasLoRA)
        {
            w.Line();
            EmitMerge(w, spec.BackboneType);
        }
    });
}
