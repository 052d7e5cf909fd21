using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResTuning.Generators.Model;

/// <summary>
/// The annotated class and its backbone: a partial, non-generic class of a supported kind (RT0001, RT0002), with the
/// generated base or none, over a TorchSharp module of tensors (RT0003).
/// </summary>
internal sealed partial class ModelParser
{
    private TypeSpec? CheckType()
    {
        string? why = null;
        if (type.IsRecord) why = type.TypeKind == TypeKind.Struct ? "it is a record struct" : "it is a record";
        else if (type.TypeKind != TypeKind.Class) why = $"it is a {type.TypeKind.ToString().ToLowerInvariant()}";
        else if (type.IsStatic) why = "it is static";
        else if (type.IsGenericType) why = "it is generic";
        else if (IsFileLocal()) why = "it is file-local (declared with 'file', in itself or in a containing type), and its generated part lives in another file";
        if (why is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotSupportedType, IdentifierLocation(declaration), type.Name, why));
            return null;
        }

        var containing = new List<ContainingTypeSpec>();
        var partialOk = true;
        for (var node = declaration as TypeDeclarationSyntax; node is not null; node = node.Parent as TypeDeclarationSyntax)
        {
            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword)) partialOk = false;
            if (node != declaration)
            {
                if (node.TypeParameterList is not null) partialOk = false;
                containing.Insert(0, new ContainingTypeSpec(DeclarationHeader(node), node.Identifier.ValueText));
            }
        }
        if (!partialOk)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, IdentifierLocation(declaration), type.Name));
            return null;
        }
        var spec = new TypeSpec(NamespaceOf(type), type.Name, containing.ToEquatableArray());
        return spec with { HintOrdinal = HintOrdinal(spec) };
    }

    /// <summary>
    /// The head of a containing type's generated partial declaration, without the name: <c>partial class</c>,
    /// <c>partial record struct</c>, <c>readonly ref partial struct</c>...
    /// </summary>
    private static string DeclarationHeader(TypeDeclarationSyntax node)
    {
        var kind = node is RecordDeclarationSyntax record
            ? record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record"
            : node.Keyword.ValueText;
        var header = "partial " + kind;
        if (node.Modifiers.Any(SyntaxKind.RefKeyword)) header = "ref " + header;
        if (node.Modifiers.Any(SyntaxKind.ReadOnlyKeyword)) header = "readonly " + header;
        return header;
    }

    private bool IsFileLocal()
    {
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.IsFileLocal) return true;
        return false;
    }

    /// <summary>
    /// The one rule every model kind applies first, before any other check can stop the parse: the class is a partial,
    /// non-generic class of a supported kind (RT0001, RT0002) whose base class is none or the one the generator gives
    /// its <paramref name="mode"/> (RT0002, reported by the generator). The generated base of a bypass depends on its
    /// backbone's forward arity, read here from the mode attribute's type argument whatever else is wrong with it.
    /// </summary>
    private TypeSpec? CheckModelClass(ModelMode mode, AttributeData modeAttribute)
    {
        var typeSpec = CheckType();
        var backbone = modeAttribute.AttributeClass is { TypeArguments.Length: 1 } cls && cls.TypeArguments[0] is not IErrorTypeSymbol
            ? cls.TypeArguments[0]
            : null;
        return mode switch
        {
            ModelMode.Parallel => CheckBaseType(typeSpec, known.ParallelModelOf(backbone), "ResTuning.Parallel.ParallelModel<TBackbone>"),
            ModelMode.Bypass when known.IsTwoInputTensorModule(backbone) =>
                CheckBaseType(typeSpec, known.TunedModelOf(known.Tensor, known.Tensor), "ResTuning.TunedModel<Tensor, Tensor>"),
            ModelMode.Bypass => CheckBaseType(typeSpec, known.TunedModelOf(known.Tensor), "ResTuning.TunedModel<Tensor>"),
            _ => CheckBaseType(typeSpec, known.TunedModelOf(known.Tensor is null ? null : compilation.CreateArrayTypeSymbol(known.Tensor)), "ResTuning.TunedModel<Tensor[]>"),
        };
    }

    /// <summary>
    /// The generated part declares the base class: the user's part may declare none, or that same one. Reported at the
    /// base class in the user's base list, by the generator: another base usually comes with CS0534 (its abstract
    /// members are missing), a declaration error that keeps a command-line build from reporting analyzer diagnostics.
    /// </summary>
    private TypeSpec? CheckBaseType(TypeSpec? typeSpec, ITypeSymbol? generatedBase, string display)
    {
        if (typeSpec is null || type.BaseType is not { SpecialType: not SpecialType.System_Object } baseType || SymbolEqualityComparer.Default.Equals(baseType, generatedBase))
            return typeSpec;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotSupportedType, BaseTypeLocation(type, baseType) ?? IdentifierLocation(declaration), type.Name,
            $"it derives from {baseType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}; the generator makes it a {display}, so declare no base class or that one")
            .FromGenerator());
        return null;
    }

    /// <summary>
    /// The base class as written in one of <paramref name="type"/>'s declarations: the first entry of a base list whose
    /// name is the base class's (an interface of that name cannot come first); null when none is (an alias, say).
    /// </summary>
    private static LocationInfo? BaseTypeLocation(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax { BaseList.Types: { Count: > 0 } types }) continue;
            var written = types[0].Type;
            var name = written switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => null,
            };
            if (name == baseType.Name) return LocationInfo.From(written);
        }
        return null;
    }

    /// <summary>The backbone type argument when it is a TorchSharp module of tensors (two inputs only where <paramref name="allowTwoInputs"/>).</summary>
    private ITypeSymbol? CheckBackbone(AttributeData modeAttribute, bool allowTwoInputs = false)
    {
        if (modeAttribute.AttributeClass is not { TypeArguments.Length: 1 } cls || cls.TypeArguments[0] is IErrorTypeSymbol) return null;
        var backbone = cls.TypeArguments[0];
        if (known.IsTensorModule(backbone) || (allowTwoInputs && known.IsTwoInputTensorModule(backbone))) return backbone;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BackboneNotModule, TypeArgumentLocation(modeAttribute), backbone.ToDisplayString()));
        return null;
    }
}
