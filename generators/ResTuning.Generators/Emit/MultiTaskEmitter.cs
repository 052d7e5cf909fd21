using System.Collections.Generic;
using System.Linq;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits a multi-task model: one frozen backbone hooked once, N task bypasses sharing its taps, and
/// <c>ForwardAll</c>, which runs the backbone once and every task on the same taps.
/// </summary>
internal static class MultiTaskEmitter
{
    private const string Outputs = ModelSurface.Outputs;

    public static string Emit(MultiTaskSpec spec)
    {
        var names = RegisteredNames(spec.TaskNames);
        return ModelFile.Emit(spec.Type, ModelSurface.MultiTaskBase, new[]
        {
            $"Multi-task inference and training on one frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: the backbone runs once per input",
            "and every task's bypass (with its head) runs on the same detached taps. The backbone is counted once and never disposed.",
        }, w =>
        {
            w.Line($"private readonly {spec.BackboneType} backbone;");
            w.Line("private readonly global::ResTuning.Bypass.HookTapSource source;");
            for (var i = 0; i < spec.Tasks.Count; i++) w.Line($"private readonly {spec.Tasks[i]} task{i};");
            w.Line();
            w.Line("/// <summary>The frozen backbone (not registered).</summary>");
            w.Line($"public {spec.BackboneType} Backbone => backbone;");
            w.Line();
            w.Line("/// <summary>The taps every task reads.</summary>");
            w.Line("public global::ResTuning.Bypass.HookTapSource Source => source;");
            for (var i = 0; i < spec.Tasks.Count; i++)
            {
                w.Line();
                w.Line($"/// <summary>Task {CSharpText.Int(i)}, registered as <c>{CSharpText.XmlText(names[i])}</c>.</summary>");
                w.Line($"public {spec.Tasks[i]} {CSharpText.Identifier(names[i])} => task{i};");
            }
            w.Line();
            w.Line("/// <summary>Freezes <paramref name=\"backbone\"/>, hooks its taps once and creates every task on them.</summary>");
            w.Line("/// <param name=\"backbone\">The shared backbone, with its pretrained weights loaded; never disposed by this model.</param>");
            w.Open($"public {CSharpText.Identifier(spec.Type.Name)}({ModelSurface.MultiTaskParameters(spec.BackboneType)}) : base({CSharpText.String(spec.Type.Name)}, {ModelSurface.MultiTaskBaseArguments})");
            w.Line("this.backbone = backbone;");
            w.Line($"source = {spec.Tasks[0]}.CreateTapSource(backbone);");
            for (var i = 0; i < spec.Tasks.Count; i++)
            {
                w.Line($"task{i} = new {spec.Tasks[i]}(backbone, source);");
                w.Line($"register_module({CSharpText.String(names[i])}, task{i});");
            }
            w.Close();
            w.Line();
            w.Line("/// <summary>Runs the backbone once (up to the deepest tap any task reads) and every task on its taps.</summary>");
            w.Line("/// <param name=\"input\">The backbone's input.</param>");
            w.Line("/// <returns>One output per task, in declaration order.</returns>");
            w.Open(ModelSurface.ForwardAllSignature);
            var lastTap = spec.Tasks.Count == 1 ? "task0.LastTap" : string.Join("", Enumerable.Range(1, spec.Tasks.Count - 1).Select(_ => "global::System.Math.Max(")) + "task0.LastTap"
                + string.Concat(Enumerable.Range(1, spec.Tasks.Count - 1).Select(i => $", task{i}.LastTap)"));
            // The taps are released once every task ran (TapRelease): autograd keeps what backward needs.
            w.Line($"return global::ResTuning.Bypass.TapRelease.After(source.Collect(input, {lastTap}), taps => new {ModelFile.Tensor}[] {{ {string.Join(", ", Enumerable.Range(0, spec.Tasks.Count).Select(i => $"task{i}.Run(taps)"))} }});");
            w.Close();
            w.Line();
            w.Line("/// <summary>Same as <see cref=\"ForwardAll\"/>.</summary>");
            w.Line("/// <param name=\"input\">The backbone's input.</param>");
            w.Line("/// <returns>One output per task.</returns>");
            w.Line($"{ModelSurface.MultiTaskForward} => ForwardAll(input);");
            w.Line();
            w.Line("/// <summary>Removes the shared tap hooks and unfreezes the backbone (the tasks are disposed as registered children).</summary>");
            w.Line($"{ModelSurface.RemoveHooksSignature} => source.Dispose();");
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
