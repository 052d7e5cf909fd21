namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits the shell of a model whose RT errors stop its generation: the normal model's base class, constructors and
/// public members (all from <see cref="ModelSurface"/>), each throwing <c>ResTuning.CompilerServices.InvalidModel.Error</c>. The
/// constructors throw before their base constructor runs, so the backbone passed in is left untouched. Using the class
/// then compiles, and the RT diagnostics are the only errors of the build.
/// </summary>
internal static class ShellEmitter
{
    public static string Emit(ShellSpec spec)
    {
        var baseType = spec.Mode switch
        {
            ModelMode.Parallel => ModelSurface.ParallelBase(spec.BackboneType),
            ModelMode.Bypass => ModelSurface.BypassBase(spec.BackboneType, spec.Inputs),
            _ => ModelSurface.MultiTaskBase(spec.BackboneType),
        };
        var modelName = CSharpText.String(spec.Type.Name);
        var error = $"throw global::ResTuning.CompilerServices.InvalidModel.Error({modelName})";
        var name = $"global::ResTuning.CompilerServices.InvalidModel.Throw<string>({modelName})";
        var constructor = CSharpText.Identifier(spec.Type.Name);
        return ModelFile.Emit(spec.Type, baseType, new[]
        {
            "This model has ResTuning configuration errors (see the RT diagnostics of the build): the generator emitted only",
            "its constructors and members, each throwing <see cref=\"global::System.InvalidOperationException\"/>, so that using it adds no other errors.",
        }, w =>
        {
            switch (spec.Mode)
            {
                case ModelMode.Parallel:
                    Constructor(w, constructor, ModelSurface.ParallelParameters(spec.BackboneType), name, ModelSurface.ParallelBaseArguments);
                    if (spec.HasLoRA)
                    {
                        Member(w, $"public {ModelSurface.NameList} Merge()", error);
                        Member(w, $"public {ModelSurface.NameList} Unmerge()", error);
                        Member(w, ModelSurface.MergeAndUnloadSignature(spec.BackboneType), error);
                    }
                    break;
                case ModelMode.Bypass:
                    // The base's members (Backbone, Source, Bypass, forward, Run, LastTap) are the normal model's; its
                    // constructor never runs, so it gets placeholders.
                    Constructor(w, constructor, ModelSurface.BypassParameters(spec.BackboneType), name, "backbone, null!, false, null!, head");
                    Constructor(w, constructor, ModelSurface.BypassSharedParameters(spec.BackboneType), name, "backbone, source, false, null!, head");
                    Member(w, ModelSurface.CreateTapSourceSignature(spec.BackboneType), error);
                    break;
                default:
                    Constructor(w, constructor, ModelSurface.MultiTaskParameters(spec.BackboneType), name, "backbone, null!");
                    var names = MultiTaskEmitter.RegisteredNames(spec.TaskNames);
                    for (var i = 0; i < spec.Tasks.Count; i++) Member(w, $"public {spec.Tasks[i]} {CSharpText.Identifier(names[i])}", error);
                    break;
            }
        });
    }

    /// <summary>A constructor that throws while computing its base constructor's first argument, before the base runs.</summary>
    private static void Constructor(SourceWriter w, string type, string parameters, string name, string baseArguments)
    {
        w.Line("/// <summary>Throws: this model has ResTuning configuration errors.</summary>");
        w.Line($"public {type}({parameters}) : base({name}, {baseArguments})");
        w.Open("");
        w.Close();
        w.Line();
    }

    private static void Member(SourceWriter w, string signature, string error)
    {
        w.Line("/// <summary>Throws: this model has ResTuning configuration errors.</summary>");
        w.Line($"{signature} => {error};");
        w.Line();
    }
}
