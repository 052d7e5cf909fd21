using System;
using System.Collections.Generic;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits the code that reaches the module(s) a resolved tap names: member accesses and indexers for fixed
/// steps, <c>for</c> loops over the list's elements for <c>*</c> and ranges, then the body
/// with a local <c>module</c> holding the module and an expression of its path.
/// </summary>
internal static class TapWalk
{
    public static void Emit(SourceWriter w, ResolvedTap tap, string root, Action<SourceWriter, string> body)
    {
        var expression = root;
        var pathParts = new List<string>();
        var loops = 0;
        for (var i = 0; i < tap.Steps.Count; i++)
        {
            var step = tap.Steps[i];
            var segment = tap.Path.Segments[i];
            switch (step.Kind)
            {
                case StepKind.Field:
                    expression += "." + CSharpText.Identifier(step.Name);
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.RegistryChild:
                    expression = $"global::ResTuning.ModuleNavigation.Child<{step.ResultTypeOrModule()}>({expression}, {CSharpText.String(step.Name)})";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.DictKey:
                    expression += $"[{CSharpText.String(step.Name)}]";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.ListIndex:
                    expression += $"[{Int(step.Start)}]";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.SequentialIndex:
                    expression = $"(({ModelFile.TensorModule}){expression}[{Int(step.Start)}])";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                default:
                    var list = "list" + Int(loops);
                    var index = "i" + Int(loops);
                    loops++;
                    w.Line($"var {list} = {expression};");
                    var isRange = step.Kind is StepKind.ListRange or StepKind.SequentialRange;
                    if (isRange && step.KnownCount < 0)
                    {
                        w.Open($"if ({list}.Count < {Int(step.End)})");
                        w.Line($"throw new global::System.InvalidOperationException($\"Tap '{CSharpText.InterpolatedText(tap.Path.Text)}': '{CSharpText.InterpolatedText(step.Name)}' has {{{list}.Count}} elements; the range {CSharpText.InterpolatedText(segment.Text)} needs {Int(step.End)}.\");");
                        w.Close();
                    }
                    var from = isRange ? Int(step.Start) : "0";
                    var to = isRange ? Int(step.End) : list + ".Count";
                    w.Open($"for (int {index} = {from}; {index} < {to}; {index}++)");
                    expression = step.Kind is StepKind.SequentialEach or StepKind.SequentialRange
                        ? $"(({ModelFile.TensorModule}){list}[{index}])"
                        : $"{list}[{index}]";
                    pathParts.Add("{" + index + "}");
                    break;
            }
        }

        w.Line($"var module = {expression};");
        // The registered path: literal segments escaped, and {iN} holes for the loop indices.
        body(w, loops > 0 ? "$\"" + string.Join(".", pathParts) + "\"" : CSharpText.String(tap.Path.Text));
        for (var i = 0; i < loops; i++) w.Close();
    }

    private static string ResultTypeOrModule(this AccessStep step) => step.ResultType;

    private static string Int(int value) => CSharpText.Int(value);
}
