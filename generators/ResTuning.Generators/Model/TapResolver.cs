namespace ResTuning.Generators.Model;

/// <summary>
/// Why a tap path did not resolve: the diagnostic id, the failing segment, the message arguments, and the registered
/// name closest to a misspelled segment (when there is one close enough).
/// </summary>
internal sealed record TapFailure(Microsoft.CodeAnalysis.DiagnosticDescriptor Descriptor, int SegmentIndex, EquatableArray<string> Arguments, string? Suggestion = null);

/// <summary>
/// Resolves a <see cref="TapPath"/> against a backbone type at compile time, following TorchSharp's
/// registration rules: a module field is registered under its name, or under
/// <c>[ComponentName(Name = ...)]</c>; <c>ModuleList</c>/<c>Sequential</c> elements under their index;
/// <c>ModuleDict</c> entries under their key. Shared by the generator and the analyzers.
/// </summary>
internal static class TapResolver
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Fully qualified C# name of <paramref name="type"/> (<c>global::</c> prefixed).</summary>
    public static string FullName(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    /// <summary>Resolves <paramref name="path"/> from <paramref name="backbone"/>.</summary>
    /// <param name="backbone">The backbone type.</param>
    /// <param name="path">The parsed path.</param>
    /// <param name="known">Known TorchSharp/ResTuning symbols.</param>
    /// <param name="compilation">For accessibility checks.</param>
    /// <param name="within">The type the generated code lives in.</param>
    /// <param name="failure">Why it failed, when it returns null.</param>
    /// <remarks>
    /// Past a compiled module type whose registered children the compiler cannot see (no visible module fields or
    /// properties), the rest of the path is looked up at run time instead of failing (names and indices only; RT0040):
    /// parallel and bypass taps alike.
    /// </remarks>
    public static ResolvedTap? Resolve(ITypeSymbol backbone, TapPath path, KnownTypes known, Compilation compilation, ITypeSymbol within, out TapFailure? failure)
    {
        failure = null;
        var steps = new List<AccessStep>();
        ITypeSymbol current = backbone;
        var currentName = backbone.Name;
        var knownCount = -1;
        var matchCount = 1;
        // The type the generated code sees: the reached module's type, or the nearest base of it the model can access
        // when a private child has a type the model cannot name (reached through the registry); -1 when never narrowed.
        ITypeSymbol staticType = backbone;
        var narrowedAt = -1;

        for (var i = 0; i < path.Segments.Count; i++)
        {
            var segment = path.Segments[i];
            var list = known.ConstructedFrom(current, known.ModuleList);
            var dict = known.ConstructedFrom(current, known.ModuleDict);
            var isSequential = known.Sequential is not null && KnownTypes.DerivesFrom(current, known.Sequential);
            if (narrowedAt >= 0 && (list ?? dict) is not null && !SymbolEqualityComparer.Default.Equals(known.ConstructedFrom(staticType, (list ?? dict)!.OriginalDefinition), list ?? dict)
                || narrowedAt >= 0 && isSequential && !KnownTypes.DerivesFrom(staticType, known.Sequential!))
                return Fail(out failure, DiagnosticDescriptors.InaccessibleModuleType, narrowedAt, path.Text, path.Segments[narrowedAt].Text, current.ToDisplayString(), "to select its elements");

            if (list is not null || isSequential)
            {
                var element = list is not null ? list.TypeArguments[0] : (ITypeSymbol?)known.TensorModule;
                if (element is null) return Fail(out failure, DiagnosticDescriptors.UnresolvedTap, i, path.Text, segment.Text, currentName, "");
                var kindName = list is not null ? "ModuleList" : "Sequential";
                StepKind kind;
                switch (segment.Kind)
                {
                    case PathSegmentKind.Name:
                        return Fail(out failure, DiagnosticDescriptors.SegmentKindMismatch, i, path.Text, segment.Text, $"'{currentName}' is a {kindName}", "an index, '*' or a range such as 0..6");
                    case PathSegmentKind.Index:
                        kind = list is not null ? StepKind.ListIndex : StepKind.SequentialIndex;
                        if (knownCount >= 0 && segment.Start >= knownCount)
                            return Fail(out failure, DiagnosticDescriptors.IndexOutOfRange, i, path.Text, $"index {segment.Start}", currentName, knownCount.ToString());
                        break;
                    case PathSegmentKind.Range:
                        kind = list is not null ? StepKind.ListRange : StepKind.SequentialRange;
                        if (knownCount >= 0 && segment.End > knownCount)
                            return Fail(out failure, DiagnosticDescriptors.IndexOutOfRange, i, path.Text, $"range {segment.Text}", currentName, knownCount.ToString());
                        matchCount = Multiply(matchCount, segment.End - segment.Start);
                        break;
                    default:
                        kind = list is not null ? StepKind.ListEach : StepKind.SequentialEach;
                        if (knownCount == 0)
                            return Fail(out failure, DiagnosticDescriptors.EmptySelection, i, path.Text, segment.Text, currentName);
                        matchCount = Multiply(matchCount, knownCount);
                        break;
                }
                steps.Add(new AccessStep(kind, currentName, segment.Start, segment.End, FullName(element), knownCount));
                current = element;
                currentName = $"{currentName}[{segment.Text}]";
                knownCount = -1;
                continue;
            }

            if (segment.Kind != PathSegmentKind.Name)
                return Fail(out failure, DiagnosticDescriptors.SegmentKindMismatch, i, path.Text, segment.Text, $"'{currentName}' ({current.Name}) is not a ModuleList or Sequential", "a registered module name");

            if (dict is not null)
            {
                var entry = dict.TypeArguments[0];
                steps.Add(new AccessStep(StepKind.DictKey, segment.Text, 0, 0, FullName(entry), -1));
                current = entry;
                currentName = segment.Text;
                knownCount = -1;
                continue;
            }

            var children = RegisteredChildren(current, known);
            if (children.Count == 0 && IsCompiled(current) && RuntimeSteps(path, i, known) is { } runtime)
            {
                steps.AddRange(runtime);
                return new ResolvedTap(path, steps.ToEquatableArray(), runtime[runtime.Count - 1].ResultType, ModuleShape.Unknown, true, matchCount, RuntimeFrom: i);
            }
            var match = children.FirstOrDefault(c => c.Member is IFieldSymbol && c.Name == segment.Text);
            if (match.Member is null)
                match = children.FirstOrDefault(c => c.Member is IPropertySymbol && Normalize(c.Name) == Normalize(segment.Text));
            if (match.Member is null)
            {
                var names = children.Where(c => c.Member is IFieldSymbol).Select(c => c.Name)
                    .Concat(children.Where(c => c.Member is IPropertySymbol).Select(c => c.Name.ToLowerInvariant())).Distinct().ToList();
                var suggestion = Closest(segment.Text, names);
                var hint = suggestion is not null
                    ? $"; did you mean '{suggestion}'?"
                    : names.Count > 0 ? $"; registered children: {string.Join(", ", names)}"
                    : !IsCompiled(current) ? $"; {current.Name} has no module fields"
                    : $"; {current.Name} is a compiled type whose children the compiler cannot see: past it a tap may use names and indices (looked up at run time, RT0040), not '*' or ranges";
                Fail(out failure, DiagnosticDescriptors.UnresolvedTap, i, path.Text, segment.Text, current.Name, hint);
                failure = failure with { Suggestion = suggestion };
                return null;
            }

            var memberType = match.Type;
            var accessible = compilation.IsSymbolAccessibleWithin(match.Member, within);
            staticType = accessible ? memberType : AccessibleBase(memberType, known, compilation, within);
            if (!SymbolEqualityComparer.Default.Equals(staticType, memberType)) narrowedAt = i;
            steps.Add(accessible
                ? new AccessStep(StepKind.Field, match.Member.Name, 0, 0, FullName(memberType), -1)
                : new AccessStep(StepKind.RegistryChild, match.Name, 0, 0, FullName(staticType), -1));
            current = memberType;
            currentName = segment.Text;
            knownCount = ModuleCount(match.Member, known);
        }

        var shape = known.IsLinear(current) ? ModuleShape.Linear
            : known.IsAttention(current) ? ModuleShape.Attention
            : known.IsConv2d(current) ? ModuleShape.Conv2d
            : known.IsResNetBlock(current) ? ModuleShape.ResNetBlock
            // A Sequential's element (or a member typed so) is any module as far as the compiler knows: the model finds out.
            : SymbolEqualityComparer.Default.Equals(current, known.TensorModule) ? ModuleShape.Unknown
            : ModuleShape.Other;
        if (narrowedAt >= 0 && (shape == ModuleShape.Linear && !known.IsLinear(staticType) || shape == ModuleShape.Attention && !known.IsAttention(staticType)
                || shape == ModuleShape.Conv2d && !known.IsConv2d(staticType)
                || shape == ModuleShape.ResNetBlock && !known.IsResNetBlock(staticType)
                || known.IsTensorModule(current) && !known.IsTensorModule(staticType)))
            return Fail(out failure, DiagnosticDescriptors.InaccessibleModuleType, narrowedAt, path.Text, path.Segments[narrowedAt].Text, current.ToDisplayString(),
                "to attach a tuner to it");
        return new ResolvedTap(path, steps.ToEquatableArray(), FullName(current), shape, known.IsTensorModule(current), matchCount);
    }

    /// <summary>
    /// <paramref name="type"/>, or its nearest base type the model (<paramref name="within"/>) can access: the type generated
    /// code names for a registry child whose own type is private to the backbone.
    /// </summary>
    private static ITypeSymbol AccessibleBase(ITypeSymbol type, KnownTypes known, Compilation compilation, ITypeSymbol within)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
            if (compilation.IsSymbolAccessibleWithin(t, within)) return t;
        return (ITypeSymbol?)known.Module ?? type;
    }

    /// <summary>
    /// The module members of <paramref name="type"/> (and its bases up to nn.Module): fields under their
    /// registered names (field name or <c>[ComponentName]</c>), and public properties of module type (which
    /// stand for the registered child of the same name, compared case-insensitively without underscores, on
    /// compiled types whose private fields are not visible).
    /// </summary>
    public static IReadOnlyList<(string Name, ISymbol Member, ITypeSymbol Type)> RegisteredChildren(ITypeSymbol type, KnownTypes known)
    {
        var result = new List<(string, ISymbol, ITypeSymbol)>();
        for (var t = type; t is not null && !SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, known.ModuleOfT) && !SymbolEqualityComparer.Default.Equals(t, known.Module); t = t.BaseType)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || member.IsImplicitlyDeclared) continue;
                if (member is IFieldSymbol field && known.IsModule(field.Type))
                {
                    var name = field.Name;
                    foreach (var attribute in field.GetAttributes())
                    {
                        if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.ComponentName)) continue;
                        foreach (var named in attribute.NamedArguments)
                        {
                            if (named.Key == "Name" && named.Value.Value is string custom && custom.Length > 0) name = custom;
                        }
                    }
                    if (result.All(r => r.Item1 != name)) result.Add((name, field, field.Type));
                }
                else if (member is IPropertySymbol { IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod: not null } property && known.IsModule(property.Type))
                {
                    result.Add((property.Name, property, property.Type));
                }
            }
        }
        return result;
    }

    /// <summary>A type from a referenced assembly (its private fields are not imported, so its children are not visible).</summary>
    private static bool IsCompiled(ITypeSymbol type) => type.Locations.Length > 0 && type.Locations.All(l => l.IsInMetadata);

    /// <summary>
    /// Segments <paramref name="from"/>.. as registered children looked up at run time: names and indices only (a wildcard
    /// or a range needs the list's length, which only the compiler could check); null when one is not.
    /// </summary>
    private static List<AccessStep>? RuntimeSteps(TapPath path, int from, KnownTypes known)
    {
        if (known.Module is null || known.TensorModule is null) return null;
        var steps = new List<AccessStep>();
        for (var i = from; i < path.Segments.Count; i++)
        {
            var segment = path.Segments[i];
            if (segment.Kind is not (PathSegmentKind.Name or PathSegmentKind.Index)) return null;
            var type = i == path.Segments.Count - 1 ? known.TensorModule : known.Module;
            steps.Add(new AccessStep(StepKind.RuntimeChild, segment.Text, 0, 0, FullName(type), -1));
        }
        return steps;
    }

    private static string Normalize(string name) => name.Replace("_", "").ToLowerInvariant();

    private static int ModuleCount(ISymbol field, KnownTypes known)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.ModuleCount) &&
                attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int count && count >= 0)
                return count;
        }
        return -1;
    }

    private static int Multiply(int count, int factor) => count < 0 || factor < 0 ? -1 : count * factor;

    private static ResolvedTap? Fail(out TapFailure failure, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int segment, params string[] args)
    {
        failure = new TapFailure(descriptor, segment, args.ToEquatableArray());
        return null;
    }

    /// <summary>The candidate closest to <paramref name="name"/> by edit distance, when close enough to be a likely typo.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                row[j] = Math.Min(Math.Min(row[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, row) = (row, previous);
        }
        return previous[b.Length];
    }
}
