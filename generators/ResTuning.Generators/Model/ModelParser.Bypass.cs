using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Abstractions;
using ResTuning.Generators.Diagnostics;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>The bypass and multi-task modes of <see cref="ConfigurationParser"/>.</summary>
internal sealed partial class ModelParser
{
    private const string BypassTapsAttribute = "BypassTapsAttribute";

    /// <summary>Parses and checks a class annotated with the bypass mode attribute.</summary>
    public ModelResult ParseBypass(AttributeData modeAttribute)
    {
        // A class with several modes is reported once, by the parse of its first mode (RT0010).
        if (!OwnsClass(modeAttribute, BypassAttribute)) return new ModelResult(null, null, EquatableArray<DiagnosticInfo>.Empty);
        var typeSpec = CheckType();
        if (typeSpec is not null) CheckGeneratedNames(BypassMembers, Array.Empty<string>());
        var backbone = CheckBackbone(modeAttribute, allowTwoInputs: true);
        if (typeSpec is not null) CheckExposed(backbone, TypeArgumentLocation(modeAttribute));
        var inputs = backbone is not null && known.IsTwoInputTensorModule(backbone) ? 2 : 1;
        typeSpec = inputs == 2
            ? CheckBaseType(typeSpec, known.TunedModelOf(known.Tensor, known.Tensor), "ResTuning.TunedModel<Tensor, Tensor>")
            : CheckBaseType(typeSpec, known.TunedModelOf(known.Tensor), "ResTuning.TunedModel<Tensor>");
        // The mode attribute as its own type: what the user left out keeps the attribute's default.
        var mode = AttributeReader.Read<ResTuningBypassAttribute<object>>(modeAttribute) ?? new ResTuningBypassAttribute<object>();
        var classes = mode.Classes;
        if (classes < 0) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Classes), "[ResTuningBypass]", nameof(mode.Classes), ParameterRange.NonNegative, classes));
        var features = mode.Features;
        if (features < 0)
            diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Features), "[ResTuningBypass]", nameof(mode.Features), ParameterRange.BypassFeatures(widthsGiven: mode.Widths is not null), features));
        var widths = (mode.Widths ?? Array.Empty<int>()).ToList();
        for (var i = 0; i < widths.Count; i++)
            if (widths[i] <= 0) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Widths), "[ResTuningBypass]", $"Widths[{i}]", ParameterRange.Positive, widths[i]));
        var lambda = mode.Lambda;
        if (!double.IsNaN(lambda) && !(lambda >= 0 && lambda <= 1))
            diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Lambda), "[ResTuningBypass]", nameof(mode.Lambda), ParameterRange.UnitInterval, lambda));

        AttributeData? tapsAttribute = null;
        BypassTunerSpec? lateral = null, vertical = null;
        AttributeData? lateralAttribute = null, verticalAttribute = null;
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (AttributeName(attribute))
            {
                case BypassTapsAttribute:
                    tapsAttribute = attribute;
                    break;
                case "LateralAttribute":
                    lateralAttribute = attribute;
                    break;
                case "VerticalAttribute":
                    verticalAttribute = attribute;
                    break;
                case "ResAdapterAttribute" or "ResPrefixAttribute" or "ResPromptAttribute" or "LoRAAttribute" or "TrainableAttribute":
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredInBypass, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()),
                        SourceText(attribute), type.Name, AttributeName(attribute) == "TrainableAttribute"
                            ? "train a head or the bypass instead"
                            : "use [Lateral]/[Vertical] for the bypass tuners, or [ResTuning<T>] for parallel tuners"));
                    break;
            }
        }

        ResolvedTap? start = null, output = null;
        var taps = new List<ResolvedTap>();
        var tapOffsets = new List<int>();
        if (tapsAttribute is null || NamedString(tapsAttribute, "Taps") is null)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassWithoutTaps, IdentifierLocation(declaration), type.Name));
        else if (backbone is not null)
        {
            var before = diagnostics.Count;
            start = ResolveSingle(tapsAttribute, "Start", backbone);
            output = ResolveSingle(tapsAttribute, "Output", backbone);
            ResolveTapList(tapsAttribute, backbone, taps, tapOffsets);
            if (diagnostics.Count == before) CheckTapGeometry(tapsAttribute, start, taps, tapOffsets, output);
        }

        var reenters = output is not null || (tapsAttribute is not null && NamedString(tapsAttribute, "Output") is not null);
        if (reenters && classes > 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HeadWithReentry, ArgumentLocation(modeAttribute, "Classes"), type.Name,
                classes.ToString(CultureInfo.InvariantCulture), NamedString(tapsAttribute!, "Output") ?? ""));
        // Without [Lateral]/[Vertical]: the attributes' own defaults (adapters), laterals residual when re-entering.
        lateral = lateralAttribute is null
            ? BypassTuner(new LateralAttribute(TunerKind.Adapter), reenters)
            : ParseBypassTuner(lateralAttribute, "[Lateral]", "lateral", reenters);
        vertical = verticalAttribute is null
            ? BypassTuner(new VerticalAttribute(TunerKind.Adapter), false)
            : ParseBypassTuner(verticalAttribute, "[Vertical]", "vertical", false);

        var tapCount = TapCount(taps);
        // Widths are only checked on otherwise valid taps and parameters, so one mistake gives one diagnostic.
        var hasErrorsSoFar = HasErrors;
        var resolvedWidths = hasErrorsSoFar ? new List<int>() : ResolveWidths(modeAttribute, features, widths, tapCount, lateral, vertical, classes);

        var hasErrors = HasErrors;
        BypassSpec? spec = null;
        if (!hasErrors && typeSpec is not null && backbone is not null && taps.Count > 0)
        {
            var upsample = AttributeReader.Read<BypassTapsAttribute>(tapsAttribute!)?.Upsample ?? false;
            var learn = mode.LearnLambda;
            spec = new BypassSpec(typeSpec, TapResolver.FullName(backbone), start, taps.ToEquatableArray(), output, lateral, vertical,
                resolvedWidths.ToEquatableArray(), upsample, classes, lambda, learn,
                BypassParameterCount.Of(tapCount, resolvedWidths, lateral, vertical, upsample, learn, classes),
                SourceText(modeAttribute), inputs);
        }
        var shell = spec is null && hasErrors ? Shell(ModelMode.Bypass, typeSpec, backbone, inputs) : null;
        return new ModelResult(null, spec, diagnostics.ToEquatableArray(), shell);
    }

    /// <summary>Checks a multi-task class: partial, a module backbone, and tasks that are bypass models over that backbone sharing its taps.</summary>
    public ModelResult ParseMultiTask(AttributeData modeAttribute)
    {
        if (!OwnsClass(modeAttribute, MultiTaskAttribute)) return new ModelResult(null, null, EquatableArray<DiagnosticInfo>.Empty);
        var typeSpec = CheckType();
        var generatedBase = known.TunedModelOf(known.Tensor is null ? null : compilation.CreateArrayTypeSymbol(known.Tensor));
        typeSpec = CheckBaseType(typeSpec, generatedBase, "ResTuning.TunedModel<Tensor[]>");
        var backbone = CheckBackbone(modeAttribute);
        if (typeSpec is not null) CheckExposed(backbone, TypeArgumentLocation(modeAttribute));
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
            var tapsAttribute = task.GetAttributes().FirstOrDefault(a => AttributeName(a) == BypassTapsAttribute);
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

    private BypassTunerSpec ParseBypassTuner(AttributeData attribute, string label, string role, bool residualByDefault)
    {
        var read = AttributeReader.Read<BypassTunerAttribute>(attribute) ?? new LateralAttribute(TunerKind.Adapter);
        var kind = read.Kind;
        // Residual is a plain bool: "not written" is told apart by the absence of the named argument.
        var residual = Named(attribute, nameof(read.Residual)) is null ? residualByDefault : read.Residual;
        switch (kind)
        {
            case TunerKind.Adapter:
                if (read.Dim <= 0) diagnostics.Add(ParameterError(attribute, nameof(read.Dim), label, nameof(read.Dim), ParameterRange.Positive, read.Dim));
                break;
            case TunerKind.LoRA:
                if (read.Rank <= 0) diagnostics.Add(ParameterError(attribute, nameof(read.Rank), label, nameof(read.Rank), ParameterRange.Positive, read.Rank));
                if (!(read.Alpha > 0)) diagnostics.Add(ParameterError(attribute, nameof(read.Alpha), label, nameof(read.Alpha), ParameterRange.Positive, read.Alpha));
                break;
            case TunerKind.Identity:
                break;
            case TunerKind.Prefix or TunerKind.Prompt:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassTunerNotUsable, ArgumentLocation(attribute, null), label,
                    kind == TunerKind.Prefix ? "Res-Prefix" : "Res-Prompt",
                    $"it queries a frozen attention's projections, and a {role} tuner reads detached features with no attention of its own"));
                break;
            default:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParameterOutOfRange, ArgumentLocation(attribute, null), label, "the tuner kind", "a TunerKind",
                    ((int)kind).ToString(CultureInfo.InvariantCulture)));
                break;
        }
        if (!(read.Dropout >= 0 && read.Dropout < 1)) diagnostics.Add(ParameterError(attribute, nameof(read.Dropout), label, nameof(read.Dropout), ParameterRange.Dropout, read.Dropout));
        return BypassTuner(read, residual);
    }

    private static BypassTunerSpec BypassTuner(BypassTunerAttribute read, bool residual) =>
        new(read.Kind, read.Dim, read.Rank, read.Alpha, read.Dropout, residual);

    private ResolvedTap? ResolveSingle(AttributeData attribute, string property, ITypeSymbol backbone)
    {
        var tap = ResolveNamedTap(attribute, property, backbone);
        if (tap is null) return null;
        if (tap.Steps.Any(s => s.IsLoop))
        {
            var selects = tap.MatchCount >= 0 ? tap.MatchCount.ToString(CultureInfo.InvariantCulture) + " modules" : "several modules";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SingleModuleExpected, ArgumentLocation(attribute, property), property, tap.Path.Text, selects));
            return null;
        }
        if (!tap.IsTensorModule)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, ArgumentLocation(attribute, property), tap.Path.Text,
                "the bypass " + property.ToLowerInvariant(), ShortType(tap.ModuleType), "it must be an nn.Module<Tensor, Tensor>"));
            return null;
        }
        return tap;
    }

    /// <summary>Resolves the comma-separated paths of <c>Taps</c>, each reported at its own span.</summary>
    private void ResolveTapList(AttributeData attribute, ITypeSymbol backbone, List<ResolvedTap> taps, List<int> offsets)
    {
        var text = NamedString(attribute, "Taps")!;
        var syntax = ArgumentSyntax(attribute, "Taps");
        var offset = 0;
        foreach (var part in text.Split(','))
        {
            var trimmed = part.Trim();
            var at = offset + part.IndexOf(trimmed, StringComparison.Ordinal);
            offset += part.Length + 1;
            var tap = ResolveText(trimmed.Length == 0 ? null : trimmed, syntax, backbone, trimmed.Length == 0 ? offset - part.Length - 1 : at);
            if (tap is null) continue;
            if (!tap.IsTensorModule)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, SegmentLocation(syntax, at, trimmed.Length), tap.Path.Text,
                    "a bypass tap", ShortType(tap.ModuleType), "it must be an nn.Module<Tensor, Tensor>"));
                continue;
            }
            taps.Add(tap);
            offsets.Add(at);
        }
    }

    /// <summary>Overlaps, forward order, and the output point after the last tap, as far as the paths tell.</summary>
    private void CheckTapGeometry(AttributeData attribute, ResolvedTap? start, List<ResolvedTap> taps, List<int> offsets, ResolvedTap? output)
    {
        var tapsSyntax = ArgumentSyntax(attribute, "Taps");

        var ordered = new List<(ResolvedTap Tap, LocationInfo? Location)>();
        if (start is not null) ordered.Add((start, ArgumentLocation(attribute, "Start")));
        ordered.AddRange(taps.Select((t, i) => (t, SegmentLocation(tapsSyntax, offsets[i], t.Path.Text.Length))));
        for (var j = 1; j < ordered.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                var (earlier, _) = ordered[i];
                var (later, location) = ordered[j];
                if (TapOverlap.Overlap(earlier, later))
                {
                    var why = earlier.Path.Text == later.Path.Text ? "the same module is listed twice"
                        : earlier.Path.Segments.Count == later.Path.Segments.Count ? "they select common modules"
                        : "one is inside the other";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OverlappingTaps, location, later.Path.Text, earlier.Path.Text, why));
                }
                else if (TapOverlap.SurelyBefore(later, earlier))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TapsOutOfOrder, location, later.Path.Text, earlier.Path.Text));
            }
        }

        if (output is null) return;
        var outputLocation = ArgumentLocation(attribute, "Output");
        foreach (var (tap, _) in ordered)
        {
            if (TapOverlap.Overlap(tap, output))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputBeforeLastTap, outputLocation, output.Path.Text,
                    $"overlaps the tap '{tap.Path.Text}'", taps[taps.Count - 1].Path.Text));
            else if (TapOverlap.SurelyBefore(output, tap))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputBeforeLastTap, outputLocation, output.Path.Text,
                    $"runs before the tap '{tap.Path.Text}'", taps[taps.Count - 1].Path.Text));
        }
    }

    /// <summary>Number of taps x_0..x_L (x_0 included), or -1 when a list count is only known at run time.</summary>
    private static int TapCount(List<ResolvedTap> taps)
    {
        var count = 1; // x_0: the start module's output, or the first tap's input
        foreach (var tap in taps)
        {
            if (tap.MatchCount < 0) return -1;
            count += tap.MatchCount;
        }
        return count;
    }

    /// <summary>The widths of x_0..x_L: one entry when uniform, one per tap from <c>Widths</c>, none when not needed.</summary>
    private List<int> ResolveWidths(AttributeData modeAttribute, int features, List<int> widths, int tapCount, BypassTunerSpec lateral, BypassTunerSpec vertical, int classes)
    {
        if (widths.Count > 0)
        {
            var location = ArgumentLocation(modeAttribute, "Widths");
            if (tapCount < 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthsMismatch, location, type.Name,
                    "need the number of taps at compile time; tap explicit indices or a list with [ModuleCount], or use Features"));
            else if (widths.Count != tapCount)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthsMismatch, location, type.Name,
                    $"has {widths.Count} entries but the bypass has {tapCount} taps (x_0 and {tapCount - 1} after it); give one width per tap"));
            return widths;
        }
        if (features > 0) return new List<int> { features };
        var needs = new List<string>();
        if (lateral.Kind != TunerKind.Identity) needs.Add("its lateral tuners");
        if (vertical.Kind != TunerKind.Identity) needs.Add("its vertical tuners");
        if (classes > 0) needs.Add("its head");
        if (needs.Count > 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassWidthUnknown, IdentifierLocation(declaration), type.Name, string.Join(" and ", needs)));
        return new List<int>();
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
