namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits a multi-task model: one frozen backbone hooked once, N task bypasses sharing its taps, and
/// <c>ForwardAll</c>, which runs the backbone once and every task on the same taps.
/// </summary>
internal static class MultiTaskEmitter
{
    public static string Emit(MultiTaskSpec spec)
    {
        var names = RegisteredNames(spec.TaskNames);
        return ModelFile.Emit(spec.Type, ModelSurface.MultiTaskBase(spec.BackboneType), new[]
        {
            $"Multi-task inference and training on one frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: the backbone runs once per input",
            "and every task's bypass (with its head) runs on the same detached taps. The backbone is counted once and never disposed.",
            "Backbone, taps, ForwardAll and forward come from the runtime base.",
        }, w =>
        {
            for (var i = 0; i < spec.Tasks.Count; i++) w.Line($"private readonly {spec.Tasks[i]} task{i};");
            for (var i = 0; i < spec.Tasks.Count; i++)
            {
                w.Line();
                w.Line($"/// <summary>Task {CSharpText.Int(i)}, registered as <c>{CSharpText.XmlText(names[i])}</c>; output {CSharpText.Int(i)} of <c>ForwardAll</c>.</summary>");
                w.Line($"public {spec.Tasks[i]} {CSharpText.Identifier(names[i])} => task{i};");
            }
            w.Line();
            w.Line("/// <summary>Freezes <paramref name=\"backbone\"/>, hooks its taps once and creates every task on them.</summary>");
            w.Line("/// <param name=\"backbone\">The shared backbone, with its pretrained weights loaded; never disposed by this model.</param>");
            w.Line($"public {CSharpText.Identifier(spec.Type.Name)}({ModelSurface.MultiTaskParameters(spec.BackboneType)})");
            w.Line($"    : base({CSharpText.String(spec.Type.Name)}, backbone, {spec.Tasks[0]}.CreateTapSource(backbone))");
            w.Open("");
            for (var i = 0; i < spec.Tasks.Count; i++)
                w.Line($"task{i} = AddTask({CSharpText.String(names[i])}, new {spec.Tasks[i]}(backbone, Source));");
            w.Close();
        });
    }

    /// <summary>Registered names: the task types' simple names, suffixed where a type appears twice.</summary>
    internal static List<string> RegisteredNames(EquatableArray<string> simpleNames)
    {
        var names = new List<string>();
        foreach (var simple in simpleNames)
        {
            var name = simple;
            for (var n = 1; names.Contains(name); n++) name = simple + "_" + CSharpText.Int(n);
            names.Add(name);
        }
        return names;
    }
}
