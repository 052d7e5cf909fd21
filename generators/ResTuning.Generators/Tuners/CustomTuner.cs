using ResTuning.Generators.Emit;

namespace ResTuning.Generators.Tuners;

/// <summary>
/// <c>[CustomTuner&lt;TTuner&gt;]</c>: a user's tuner. The contract (RT0022): a non-abstract class deriving from
/// <c>nn.Module&lt;Tensor, Tensor&gt;</c> with a public constructor <c>(long inFeatures, long outFeatures)</c>, which the
/// generated code calls with the tap's widths. <see cref="Type"/> is its fully qualified name, <see cref="TypeName"/> its simple name.
/// </summary>
internal sealed record CustomTuner(string Type, string TypeName, int In, int Out) : TunerKindSpec(TypeName.ToLowerInvariant(), "custom tuner")
{
    // The generic attribute's metadata name carries its arity.
    public const string AttributeName = nameof(CustomTunerAttribute<object>) + "`1";

    /// <summary>The type name in lower case (<c>MyTuner</c> → <c>mytuner</c>).</summary>
    public override (int In, int Out) StatedWidths => (In, Out);

    public static TunerKindSpec Read(TunerReading r)
    {
        var a = (CustomTunerAttribute<object>)r.Attribute;
        r.Require(nameof(a.In), ParameterRange.PositiveOrInfer, a.In);
        r.Require(nameof(a.Out), ParameterRange.PositiveOrInfer, a.Out);
        var tuner = r.Data.AttributeClass is { TypeArguments.Length: 1 } cls ? cls.TypeArguments[0] : null;
        if (tuner is not null && tuner is not IErrorTypeSymbol && ContractProblem(tuner, r.Known) is { } problem)
            r.Report(DiagnosticInfo.Create(DiagnosticDescriptors.CustomTunerContract, ModelParser.TypeArgumentLocation(r.Data), r.Label, tuner.ToDisplayString(), problem));
        return new CustomTuner(tuner is null ? "" : TapResolver.FullName(tuner), tuner?.Name ?? "custom", a.In, a.Out);
    }

    public override string Expression(TunerSpec t) => $"new {Type}({WidthText.Of(t.In)}, {WidthText.Of(t.Out)})";

    /// <summary>Why <paramref name="tuner"/> breaks the contract; null when it keeps it.</summary>
    private static string? ContractProblem(ITypeSymbol tuner, KnownTypes known)
    {
        if (tuner is not INamedTypeSymbol { TypeKind: TypeKind.Class } named) return "it is not a class";
        if (named.IsAbstract || named.IsStatic) return "it is abstract";
        if (!known.IsTensorModule(named)) return "it does not derive from nn.Module<Tensor, Tensor>";
        var candidates = named.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 2
            && c.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int64)).ToList();
        if (candidates.Count == 0) return "it has no public constructor (long inFeatures, long outFeatures)";
        if (candidates.All(c => c.Parameters.Any(p => p.RefKind is not (RefKind.None or RefKind.In))))
            return "its constructor (long, long) takes ref or out parameters, and the generated code passes the widths by value";
        if (candidates.All(c => c.Parameters.Any(p => p.RefKind is not (RefKind.None or RefKind.In)) || IsObsoleteError(c)))
            return "its constructor (long, long) is [Obsolete] as an error, so the generated code cannot call it";
        return null;
    }

    private static bool IsObsoleteError(IMethodSymbol constructor) => constructor.GetAttributes().Any(a =>
        a.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute" && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[1].Value is true);
}
