using System;
using System.Collections.Generic;
using System.Globalization;
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
                    expression += "." + step.Name;
                    pathParts.Add(segment.Text);
                    break;
                case StepKind.RegistryChild:
                    expression = $"global::ResTuning.ModuleNavigation.Child<{step.ResultTypeOrModule()}>({expression}, \"{step.Name}\")";
                    pathParts.Add(segment.Text);
                    break;
                case StepKind.DictKey:
                    expression += $"[\"{step.Name}\"]";
                    pathParts.Add(segment.Text);
                    break;
                case StepKind.ListIndex:
                    expression += $"[{Int(step.Start)}]";
                    pathParts.Add(segment.Text);
                    break;
                case StepKind.SequentialIndex:
                    expression = $"(({ParallelEmitter.Module}){expression}[{Int(step.Start)}])";
                    pathParts.Add(segment.Text);
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
                        w.Line($"throw new global::System.InvalidOperationException($\"Tap '{tap.Path.Text}': '{step.Name}' has {{{list}.Count}} elements; the range {segment.Text} needs {Int(step.End)}.\");");
                        w.Close();
                    }
                    var from = isRange ? Int(step.Start) : "0";
                    var to = isRange ? Int(step.End) : list + ".Count";
                    w.Open($"for (int {index} = {from}; {index} < {to}; {index}++)");
                    expression = step.Kind is StepKind.SequentialEach or StepKind.SequentialRange
                        ? $"(({ParallelEmitter.Module}){list}[{index}])"
                        : $"{list}[{index}]";
                    pathParts.Add("{" + index + "}");
                    break;
            }
        }

        w.Line($"var module = {expression};");
        var path = string.Join(".", pathParts);
        body(w, loops > 0 ? "$\"" + path + "\"" : "\"" + path + "\"");
        for (var i = 0; i < loops; i++) w.Close();
    }

    private static string ResultTypeOrModule(this AccessStep step) => step.ResultType;

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Double(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    public static string Bool(bool value) => value ? "true" : "false";
}
