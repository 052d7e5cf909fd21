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
                    expression = $"global::ResTuning.CompilerServices.ModuleNavigation.Child<{step.ResultTypeOrModule()}>({expression}, {CSharpText.String(step.Name)})";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.RuntimeChild:
                    expression = $"{Navigation}.Child<{step.ResultType}>({expression}, {CSharpText.String(step.Name)}, {CSharpText.String(tap.Path.Text)})";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.DictKey:
                    expression += $"[{CSharpText.String(step.Name)}]";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                // An index into a list of known length was checked at compile time (RT0006); into any other, the runtime
                // helper checks it and names the tap when it is out of bounds.
                case StepKind.ListIndex:
                    expression = step.KnownCount >= 0 ? $"{expression}[{Int(step.Start)}]" : $"{Navigation}.Element({expression}, {Int(step.Start)}, {Names(tap, step)})";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                case StepKind.SequentialIndex:
                    expression = step.KnownCount >= 0
                        ? $"(({ModelFile.TensorModule}){expression}[{Int(step.Start)}])"
                        : $"(({ModelFile.TensorModule}){Navigation}.Element({expression}, {Int(step.Start)}, {Names(tap, step)}))";
                    pathParts.Add(CSharpText.InterpolatedText(segment.Text));
                    break;
                default:
                    var list = "list" + Int(loops);
                    var index = "i" + Int(loops);
                    loops++;
                    w.Line($"var {list} = {expression};");
                    var isRange = step.Kind is StepKind.ListRange or StepKind.SequentialRange;
                    if (isRange && step.KnownCount < 0)
                        w.Line($"{Navigation}.EnsureRange({list}.Count, {Int(step.Start)}, {Int(step.End)}, {Names(tap, step)});");
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

    private const string Navigation = "global::ResTuning.CompilerServices.ModuleNavigation";

    /// <summary>The tap's text and the list's name, as the runtime helper's message arguments.</summary>
    private static string Names(ResolvedTap tap, AccessStep step) => $"{CSharpText.String(tap.Path.Text)}, {CSharpText.String(step.Name)}";

    private static string ResultTypeOrModule(this AccessStep step) => step.ResultType;

    private static string Int(int value) => CSharpText.Int(value);
}
