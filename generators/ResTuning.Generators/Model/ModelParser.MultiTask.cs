using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>
/// The multi-task mode: <c>[ResTuningMultiTask&lt;TBackbone&gt;(typeof(A), typeof(B))]</c>, tasks that are bypass models
/// over the same backbone tapping the same modules (RT0016, RT0029, RT0036).
/// </summary>
internal sealed partial class ModelParser
{
    /// <summary>Checks a multi-task class: partial, a module backbone, and tasks that are bypass models over that backbone sharing its taps.</summary>
    public ModelResult ParseMultiTask(AttributeData modeAttribute)
    {
        if (BeginMode(modeAttribute, MultiTaskAttribute, ModelMode.MultiTask, generatedMembers: null) is not var (typeSpec, backbone))
            return ModelResult.None;
        var taskLocation = LocationInfo.From(modeAttribute.ApplicationSyntaxReference?.GetSyntax());
        var tasks = modeAttribute.ConstructorArguments.Length == 1 && modeAttribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
            ? modeAttribute.ConstructorArguments[0].Values.Select(v => v.Value as INamedTypeSymbol).ToList()
            : new List<INamedTypeSymbol?>();
        string? firstTaps = null;
        string? firstName = null;
        var names = new List<string>();
        var simpleNames = new List<string>();
        // The tasks a shell's properties can expose (see Shell): those a property may name.
        var exposable = new List<string>();
        var exposableNames = new List<string>();
        // A task that gets neither its model nor a shell (an RT error on the class itself: not partial, a record...) has none
        // of the members the group's code calls: the group then gets a shell too, and the task's errors are the build's.
        var tasksLackMembers = false;
        var entries = TaskLocations(modeAttribute, tasks.Count);
        var listed = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        for (var index = 0; index < tasks.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = tasks[index];
            if (task is not null && !listed.Add(task))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTask, entries[index], type.Name, task.Name));
                continue;
            }
            var bypass = task?.GetAttributes().FirstOrDefault(a => AttributeName(a) == BypassAttribute);
            var taskBackbone = bypass?.AttributeClass?.TypeArguments.FirstOrDefault();
            if (task is null || bypass is null || backbone is null || !SymbolEqualityComparer.Default.Equals(taskBackbone, backbone))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTask, taskLocation, type.Name, task?.Name ?? "null", backbone?.Name ?? "TBackbone"));
                continue;
            }
            if (task.IsAbstract)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TaskMismatch, taskLocation, type.Name, task.Name,
                    "is abstract, and the multi-task model creates each task; make it a concrete class"));
            else if (IsLessAccessible(task, type))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TaskMismatch, taskLocation, type.Name, task.Name,
                    $"is less accessible than '{type.Name}', whose generated public property exposes it; make it {Display(EffectiveAccessibility(type))}, or the multi-task model less accessible"));
            names.Add(TapResolver.FullName(task));
            simpleNames.Add(task.Name);
            if (!HasMembers(task, bypass))
                tasksLackMembers = true;
            else if (!IsLessAccessible(task, type))
            {
                exposable.Add(TapResolver.FullName(task));
                exposableNames.Add(task.Name);
            }
            var tapsAttribute = task.GetAttributes().FirstOrDefault(a => AttributeName(a) == nameof(BypassTapsAttribute));
            if (tapsAttribute is not null && NamedString(tapsAttribute, "Output") is { } point)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TaskMismatch, taskLocation, type.Name, task.Name,
                    $"re-enters the backbone at '{point}', which needs a backbone pass of its own; give the task a head (Classes) instead of Output"));
            var signature = TapSignature(task, tapsAttribute, backbone);
            if (firstTaps is null)
            {
                firstTaps = signature;
                firstName = task.Name;
            }
            else if (signature != firstTaps)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TaskMismatch, taskLocation, type.Name, task.Name,
                    $"taps the backbone differently from '{firstName}'; every task must declare the same Start and Taps to share one backbone pass"));
        }
        if (tasks.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassWithoutTaps, IdentifierLocation(declaration), type.Name));
        if (typeSpec is not null)
            CheckGeneratedNames(MultiTaskMembers, TaskMembers(simpleNames, taskLocation));

        var hasErrors = HasErrors;
        var spec = hasErrors || tasksLackMembers || typeSpec is null || backbone is null
            ? null
            : new MultiTaskSpec(typeSpec, TapResolver.FullName(backbone), names.ToEquatableArray(), simpleNames.ToEquatableArray());
        var shell = spec is null && (hasErrors || tasksLackMembers)
            ? Shell(ModelMode.MultiTask, typeSpec, backbone, tasks: exposable, taskNames: exposableNames)
            : null;
        return new ModelResult(null, null, spec, diagnostics.ToEquatableArray(), shell);
    }

    /// <summary>
    /// Whether a task gets the members a group calls (its constructors, <c>CreateTapSource</c>, <c>Run</c>...): a task of
    /// another assembly was generated there; one of this compilation has them when its own parse gives a model or a shell.
    /// </summary>
    private bool HasMembers(INamedTypeSymbol task, AttributeData bypassAttribute)
    {
        if (bypassAttribute.ApplicationSyntaxReference is not { } reference) return true;
        if (reference.GetSyntax(cancellationToken).Parent?.Parent is not TypeDeclarationSyntax declaration) return false;
        var result = new ModelParser(task, declaration, compilation, cancellationToken).ParseBypass(bypassAttribute);
        return result.Bypass is not null || result.Shell is not null;
    }

    /// <summary>
    /// The location of each task a multi-task attribute lists (its <c>typeof</c>), whether written as separate arguments or
    /// as one array; the attribute's own location where the entries cannot be matched to the syntax.
    /// </summary>
    private static List<LocationInfo?> TaskLocations(AttributeData attribute, int count)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax;
        var locations = Enumerable.Repeat(LocationInfo.From(syntax), count).ToList();
        var positional = syntax?.ArgumentList?.Arguments.Where(a => a.NameEquals is null).Select(a => a.Expression).ToList();
        if (positional is null) return locations;
        IReadOnlyList<SyntaxNode> entries = positional;
        if (positional.Count == 1 && count != 1)
        {
            entries = positional[0] switch
            {
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
                CollectionExpressionSyntax collection => collection.Elements,
                _ => entries,
            };
        }
        if (entries.Count != count) return locations;
        for (var i = 0; i < count; i++) locations[i] = LocationInfo.From(entries[i]);
        return locations;
    }

    /// <summary>
    /// The task properties of a multi-task model (the tasks' simple names, suffixed where a name repeats, as
    /// <c>MultiTaskEmitter</c> names them) and the <c>task0</c>.. fields; RT0023 for a task whose property would take the
    /// name of another generated member.
    /// </summary>
    private List<string> TaskMembers(List<string> simpleNames, LocationInfo? location)
    {
        var properties = new List<string>();
        foreach (var simple in simpleNames)
        {
            var name = simple;
            for (var n = 1; properties.Contains(name); n++) name = simple + "_" + n.ToString(CultureInfo.InvariantCulture);
            properties.Add(name);
        }
        var fields = Enumerable.Range(0, simpleNames.Count).Select(i => "task" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var others = new HashSet<string>(CommonMembers.Concat(MultiTaskMembers).Concat(fields), StringComparer.Ordinal);
        foreach (var property in properties.Where(others.Contains))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, location, "Task", property, type.Name));
        return properties.Concat(fields).ToList();
    }

    private static string Normalize(string? path) => path is null ? "" : string.Join(",", path.Split(',').Select(p => p.Trim()));

    /// <summary>Most modules <see cref="TapSignature"/> lists before it compares the spelling instead.</summary>
    private const int SignatureBudget = 4096;

    /// <summary>
    /// What a task taps, to compare with the other tasks (RT0036): its start module and the modules its taps select, in
    /// order, each a path of registered names and indices. Wildcards over a list whose count is known at compile time and
    /// ranges are expanded, so <c>blocks.*</c> over 4 blocks, <c>blocks.0..4</c> and <c>blocks.0, blocks.1..4</c> are one
    /// signature. A path that does not resolve (the task's own parse reports it), or a selection too large to list, is
    /// compared as written.
    /// </summary>
    private string TapSignature(INamedTypeSymbol task, AttributeData? tapsAttribute, ITypeSymbol backbone)
    {
        if (tapsAttribute is null) return "";
        var start = NamedString(tapsAttribute, "Start");
        var taps = NamedString(tapsAttribute, "Taps");
        var spelled = "as written: " + Normalize(start) + "|" + Normalize(taps);
        // Resolved as the task would resolve them; what fails there is the task's own diagnostic, not the group's.
        var scratch = new ModelParser(task, declaration, compilation, cancellationToken);
        var modules = new List<string>();
        var budget = SignatureBudget;
        if (start is not null)
        {
            var resolved = scratch.ResolveText(start.Trim(), null, backbone);
            if (resolved is null || !Expand(resolved, 0, "", modules, ref budget)) return spelled;
        }
        modules.Add("|");
        foreach (var part in (taps ?? "").Split(','))
        {
            var resolved = scratch.ResolveText(part.Trim(), null, backbone);
            if (resolved is null || !Expand(resolved, 0, "", modules, ref budget)) return spelled;
        }
        return string.Join(",", modules);
    }

    /// <summary>
    /// Adds the modules <paramref name="tap"/> selects from step <paramref name="step"/> on, after <paramref name="prefix"/>,
    /// in the order the generated code visits them; false when that would exceed <paramref name="budget"/>.
    /// </summary>
    private static bool Expand(ResolvedTap tap, int step, string prefix, List<string> modules, ref int budget)
    {
        if (step == tap.Steps.Count)
        {
            modules.Add(prefix);
            return --budget >= 0;
        }
        var s = tap.Steps[step];
        var (from, to) = s.Kind switch
        {
            StepKind.ListIndex or StepKind.SequentialIndex => (s.Start, s.Start + 1),
            StepKind.ListRange or StepKind.SequentialRange => (s.Start, s.End),
            StepKind.ListEach or StepKind.SequentialEach when s.KnownCount >= 0 => (0, s.KnownCount),
            _ => (-1, -1),
        };
        var separator = step == 0 ? "" : ".";
        if (from < 0)
        {
            // A name, or every element of a list whose count is only known at run time.
            var segment = s.Kind is StepKind.ListEach or StepKind.SequentialEach ? "*" : tap.Path.Segments[step].Text;
            return Expand(tap, step + 1, prefix + separator + segment, modules, ref budget);
        }
        if (to - from > budget) return false;
        for (var i = from; i < to; i++)
        {
            if (!Expand(tap, step + 1, prefix + separator + i.ToString(CultureInfo.InvariantCulture), modules, ref budget)) return false;
        }
        return true;
    }
}
