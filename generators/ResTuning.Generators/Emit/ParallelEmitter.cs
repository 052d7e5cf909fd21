using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits the members of a parallel Res-Tuning model. One file per member group:
/// <c>ParallelEmitter.Constructor.cs</c> (constructor, freezing, tuner wiring),
/// <c>ParallelEmitter.Parameters.cs</c> (forward, trainable parameters, counts,
/// checkpoints and merging), and <c>TapWalk.cs</c> (reaching tapped modules).
/// </summary>
internal static partial class ParallelEmitter
{
    public const string Module = ModelFile.TensorModule;
    public const string Tensor = ModelFile.Tensor;

    public static string Emit(ParallelSpec spec) => ModelFile.Emit(spec.Type, Module, new[]
    {
        $"Parallel Res-Tuning over a frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: each tuner runs beside the module its tap names,",
        "reads that module's input and adds its output (<c>y = OP(x) + Σ s_k·R_k(x)</c>) through a forward hook.",
    }, w =>
    {
        EmitFields(w, spec);
        w.Line();
        EmitConstructor(w, spec);
        w.Line();
        EmitFreeze(w, spec);
        w.Line();
        EmitAttach(w, spec);
        w.Line();
        EmitForward(w, spec);
        w.Line();
        TrainableMembers.EmitParameters(w, spec.TrainableParameterCount, "global::ResTuning.ParameterCounts.Of(this)",
            "Number of trainable parameters, computed at compile time from the tuner widths.",
            "The trainable parameters (tuners, learned scales and <c>[Trainable]</c> modules) with their state-dict names.");
        if (spec.HasCheckpoints)
        {
            w.Line();
            TrainableMembers.EmitCheckpoints(w, "tuners, learned scales, <c>[Trainable]</c> modules");
        }
        if (spec.HasLoRA)
        {
            w.Line();
            EmitMerge(w);
        }
    });
}
