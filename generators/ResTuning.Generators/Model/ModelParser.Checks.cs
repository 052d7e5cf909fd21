using Microsoft.CodeAnalysis.CSharp.Syntax;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>
/// Checks shared by the three modes that keep a class from being generated into code that does not compile:
/// one mode per class (RT0010), names the generated members take (RT0023), and types the generated public members
/// expose (RT0024).
/// </summary>
internal sealed partial class ModelParser
{
    /// <summary>The mode attributes in the order that decides which parse reports a conflict, with their display names.</summary>
    private static readonly (string MetadataName, string Display)[] Modes =
    {
        (ParallelAttribute, "ResTuning"), (BypassAttribute, "ResTuningBypass"), (MultiTaskAttribute, "ResTuningMultiTask"),
    };

    /// <summary>Members every generated model declares or inherits from its runtime base (<c>ResTuning.TunedModel</c>).</summary>
    private static readonly string[] CommonMembers =
    {
        "Backbone", "forward", "TrainableParameterCount", "NamedTrainableParameters", "TrainableParameters",
        "CountParameters", "PrintTrainableParameters", "SaveTuners", "LoadTuners", "RemoveHooks", "EnsureTunersCanChange",
        "ReleaseBackbone", "ThrowIfReleased",
    };

    /// <summary>Members a parallel model declares or inherits (<c>ResTuning.Parallel.ParallelModel</c>) besides <see cref="CommonMembers"/>.</summary>
    internal static readonly string[] ParallelMembers =
    {
        "Taps", "FreezeBackbone", "AttachTuners", "Merge", "Unmerge", "MergeAndUnload", "DisableTuners", "Unload",
        "MergeTuners", "UnmergeTuners", "MergeAndUnloadTuners",
    };

    /// <summary>Members a bypass model declares besides <see cref="CommonMembers"/>.</summary>
    internal static readonly string[] BypassMembers =
        { "backbone", "source", "Source", "bypass", "Bypass", "ownsSource", "TapWidths", "Width", "CreateTapSource", "CreateStages", "CreateHead", "Run", "LastTap" };

    /// <summary>Members a multi-task model declares besides <see cref="CommonMembers"/>, the task fields and the task properties.</summary>
    internal static readonly string[] MultiTaskMembers = { "backbone", "source", "Source", "ForwardAll" };

    /// <summary>
    /// What every mode's parse begins with: the class checks, the generated member names (when <paramref name="generatedMembers"/>
    /// is given), the backbone and whether the class exposes it. Null when the parse of another mode on the same class
    /// reports it (<see cref="OwnsClass"/>).
    /// </summary>
    private (TypeSpec? Type, ITypeSymbol? Backbone)? BeginMode(AttributeData modeAttribute, string attributeName, ModelMode mode, string[]? generatedMembers, bool allowTwoInputs = false)
    {
        if (!OwnsClass(modeAttribute, attributeName)) return null;
        var typeSpec = CheckModelClass(mode, modeAttribute);
        if (typeSpec is not null && generatedMembers is not null) CheckGeneratedNames(generatedMembers, Array.Empty<string>());
        var backbone = CheckBackbone(modeAttribute, allowTwoInputs);
        if (typeSpec is not null) CheckExposed(backbone, TypeArgumentLocation(modeAttribute));
        return (typeSpec, backbone);
    }

    /// <summary>
    /// Whether this parse (of <paramref name="modeAttribute"/>, a <paramref name="mode"/> attribute) handles the class: not when
    /// the class repeats the attribute on another partial declaration (the compiler reports that) or declares another mode
    /// first. The first mode's parse reports RT0010 for a class with several.
    /// </summary>
    private bool OwnsClass(AttributeData modeAttribute, string mode)
    {
        // A partial class may repeat the attribute on several declarations (CS0579): only the first declaration that
        // carries it generates, or the run would fail on a duplicate hint name.
        var applications = type.GetAttributes().Where(a => AttributeName(a) == mode).Select(a => a.ApplicationSyntaxReference).ToList();
        foreach (var part in type.DeclaringSyntaxReferences)
        {
            if (!applications.Any(a => a is not null && a.SyntaxTree == part.SyntaxTree && part.Span.Contains(a.Span))) continue;
            if (part.SyntaxTree != declaration.SyntaxTree || part.Span != declaration.Span) return false;
            break;
        }
        var first = type.GetAttributes().FirstOrDefault(a => AttributeName(a) == mode);
        if (first is not null && !SameApplication(first, modeAttribute)) return false;
        var present = Modes.Where(m => HasAttribute(type, m.MetadataName)).ToList();
        if (present.Count <= 1) return true;
        if (present[0].MetadataName != mode) return false;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingModes, IdentifierLocation(declaration), type.Name,
            string.Join(", ", present.Select(m => m.Display))));
        return true;
    }

    private static bool SameApplication(AttributeData a, AttributeData b)
    {
        var x = a.ApplicationSyntaxReference;
        var y = b.ApplicationSyntaxReference;
        return x is null || y is null || (x.SyntaxTree == y.SyntaxTree && x.Span == y.Span);
    }

    /// <summary>
    /// RT0023: the model's own name, or a member the user declares in it, is the name of a member the generator declares
    /// (<paramref name="modeMembers"/> and <paramref name="extra"/>, e.g. a multi-task model's task properties).
    /// </summary>
    private void CheckGeneratedNames(string[] modeMembers, IEnumerable<string> extra)
    {
        var generated = new HashSet<string>(CommonMembers.Concat(modeMembers).Concat(extra), System.StringComparer.Ordinal);
        if (generated.Contains(type.Name))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, IdentifierLocation(declaration), "The model", type.Name, type.Name));
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || !generated.Contains(member.Name) || member.DeclaringSyntaxReferences.All(IsGeneratedPart)) continue;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, LocationInfo.From(member.Locations.FirstOrDefault()) ?? IdentifierLocation(declaration),
                "Member", member.Name, type.Name));
        }
    }

    /// <summary>Whether a member is declared in a part this generator wrote (the analyzer sees those in a build).</summary>
    private static bool IsGeneratedPart(SyntaxReference reference) =>
        reference.GetSyntax().Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } part &&
        part.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Contains("GeneratedCode"));

    /// <summary>The dotted namespace of <paramref name="symbol"/> (names without <c>@</c>); empty for the global namespace.</summary>
    private static string NamespaceOf(INamedTypeSymbol symbol)
    {
        var parts = new List<string>();
        for (var n = symbol.ContainingNamespace; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace) parts.Insert(0, n.Name);
        return string.Join(".", parts);
    }

    /// <summary>
    /// Which of the annotated source types whose hint names equal <paramref name="spec"/>'s ignoring case this one is, in
    /// ordinal order of their full names (0 for the first, which keeps the plain hint name). Two files whose hint names
    /// differ only in case would fail the generator run (and with it every model's output).
    /// </summary>
    private int HintOrdinal(TypeSpec spec)
    {
        var hint = spec.HintName;
        var others = new List<string>();
        foreach (var symbol in compilation.GetSymbolsWithName(n => string.Equals(n, type.Name, System.StringComparison.OrdinalIgnoreCase), SymbolFilter.Type))
        {
            if (symbol is not INamedTypeSymbol other || SymbolEqualityComparer.Default.Equals(other.OriginalDefinition, type.OriginalDefinition)) continue;
            if (!Modes.Any(m => HasAttribute(other, m.MetadataName))) continue;
            var containing = new List<ContainingTypeSpec>();
            for (var t = other.ContainingType; t is not null; t = t.ContainingType) containing.Insert(0, new ContainingTypeSpec("", t.Name));
            if (string.Equals(new TypeSpec(NamespaceOf(other), other.Name, containing.ToEquatableArray()).HintName, hint, System.StringComparison.OrdinalIgnoreCase))
                others.Add(other.ToDisplayString());
        }
        var mine = type.ToDisplayString();
        return others.Count(o => string.CompareOrdinal(o, mine) < 0);
    }

    /// <summary>
    /// RT0024: <paramref name="exposed"/> (the backbone) is less accessible than the model, whose generated public constructor
    /// and properties expose it.
    /// </summary>
    private void CheckExposed(ITypeSymbol? exposed, LocationInfo? location)
    {
        if (exposed is null || !IsLessAccessible(exposed, type)) return;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LessAccessibleType, location ?? IdentifierLocation(declaration), exposed.ToDisplayString(), type.Name,
            Display(EffectiveAccessibility(type))));
    }

    /// <summary>Whether <paramref name="exposed"/> (and every type argument of it) is less accessible than <paramref name="model"/>.</summary>
    internal static bool IsLessAccessible(ITypeSymbol exposed, INamedTypeSymbol model)
    {
        var need = EffectiveAccessibility(model);
        if (exposed is INamedTypeSymbol named)
        {
            if (EffectiveAccessibility(named) < need) return true;
            return named.TypeArguments.Any(t => IsLessAccessible(t, model));
        }
        return exposed is IArrayTypeSymbol array && IsLessAccessible(array.ElementType, model);
    }

    private static Accessibility EffectiveAccessibility(ISymbol symbol)
    {
        if (symbol is ITypeParameterSymbol) return Accessibility.Public;
        var result = symbol.DeclaredAccessibility == Accessibility.NotApplicable ? Accessibility.Public : symbol.DeclaredAccessibility;
        for (var t = symbol.ContainingType; t is not null; t = t.ContainingType)
            if (t.DeclaredAccessibility < result) result = t.DeclaredAccessibility;
        return result;
    }

    private static string Display(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
