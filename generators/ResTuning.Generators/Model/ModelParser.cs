using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Abstractions;
using ResTuning.Generators.Diagnostics;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>
/// The parse of one annotated class: it holds the class, its compilation's known types and the diagnostics found so
/// far, so that each step reads as what it checks. One instance per class and mode (see <see cref="ConfigurationParser"/>);
/// the parts live by concern in <c>ModelParser.*.cs</c>. Never throws for bad user input.
/// </summary>
internal sealed partial class ModelParser
{
    private readonly INamedTypeSymbol type;
    private readonly SyntaxNode declaration;
    private readonly Compilation compilation;
    private readonly KnownTypes known;
    private readonly CancellationToken cancellationToken;
    private readonly List<DiagnosticInfo> diagnostics = new();

    /// <summary>Starts the parse of <paramref name="type"/>, declared at <paramref name="declaration"/>.</summary>
    public ModelParser(INamedTypeSymbol type, SyntaxNode declaration, Compilation compilation, CancellationToken cancellationToken)
    {
        this.type = type;
        this.declaration = declaration;
        this.compilation = compilation;
        this.cancellationToken = cancellationToken;
        known = new KnownTypes(compilation);
    }

    /// <summary>True once an error was found: the model is not generated.</summary>
    private bool HasErrors => diagnostics.Any(d => d.IsError);

    /// <summary>Parses a class annotated with the parallel mode attribute.</summary>
    public ModelResult ParseParallel(AttributeData modeAttribute)
    {
        if (!OwnsClass(modeAttribute, ParallelAttribute)) return new ModelResult(null, null, EquatableArray<DiagnosticInfo>.Empty);
        var typeSpec = CheckType();
        var backbone = CheckBackbone(modeAttribute);
        typeSpec = CheckBaseType(typeSpec, known.ParallelModelOf(backbone), "ResTuning.Parallel.ParallelModel<TBackbone>");
        if (typeSpec is not null) CheckGeneratedNames(ParallelMembers, Array.Empty<string>());
        if (typeSpec is not null) CheckExposed(backbone, TypeArgumentLocation(modeAttribute));
        var mode = AttributeReader.Read<ResTuningAttribute<object>>(modeAttribute) ?? new ResTuningAttribute<object>();
        var features = mode.Features;
        if (features < 0) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Features), "[ResTuning]", nameof(mode.Features), ParameterRange.PositiveOrInfer, features));

        var tuners = new List<TunerSpec>();
        var trainable = new List<TrainableSpec>();
        var tunerAttributes = new List<AttributeData>();
        var trainableAttributes = new List<AttributeData>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = AttributeName(attribute);
            TunerKindModel kind;
            switch (name)
            {
                case "ResAdapterAttribute": kind = TunerKindModel.Adapter; break;
                case "ResPrefixAttribute": kind = TunerKindModel.Prefix; break;
                case "ResPromptAttribute": kind = TunerKindModel.Prompt; break;
                case "LoRAAttribute": kind = TunerKindModel.LoRA; break;
                case CustomTunerAttribute: kind = TunerKindModel.Custom; break;
                case "TrainableAttribute":
                    if (backbone is not null && ResolveTap(attribute, backbone) is { } kept)
                    {
                        trainable.Add(new TrainableSpec(kept, SourceText(attribute)));
                        trainableAttributes.Add(attribute);
                    }
                    continue;
                default: continue;
            }

            var tuner = ParseTuner(kind, attribute, backbone, features);
            if (tuner is not null)
            {
                tuners.Add(tuner);
                tunerAttributes.Add(attribute);
            }
        }
        if (typeSpec is not null && backbone is not null)
            ParallelChecks.Check(type.Name, declaration, tuners, tunerAttributes, trainable, trainableAttributes, diagnostics);

        var hasErrors = HasErrors;
        var spec = hasErrors || typeSpec is null || backbone is null
            ? null
            : new ParallelSpec(typeSpec, TapResolver.FullName(backbone), tuners.ToEquatableArray(), trainable.ToEquatableArray(),
                TrainableCount(tuners, trainable));
        var shell = spec is null && hasErrors
            ? Shell(ModelMode.Parallel, typeSpec, backbone, hasLoRA: HasAttribute(type, "LoRAAttribute"))
            : null;
        return new ModelResult(spec, null, diagnostics.ToEquatableArray(), shell);
    }

    private TunerSpec? ParseTuner(TunerKindModel kind, AttributeData attribute, ITypeSymbol? backbone, int features)
    {
        var label = $"[{AttributeName(attribute).Replace("Attribute`1", "").Replace("Attribute", "")}(\"{TapText(attribute)}\")]";
        var errors = diagnostics.Count;
        // The attribute as its own type: what the user left out keeps the attribute's default.
        var read = AttributeReader.Read<TunerAttribute>(attribute);
        if (read is null) return null;
        var adapter = read as ResAdapterAttribute;
        var prefix = read as ResPrefixAttribute;
        var prompt = read as ResPromptAttribute;
        var lora = read as LoRAAttribute;
        var custom = read as CustomTunerAttribute<object>;
        var dim = adapter?.Dim ?? 0;
        var inWidth = adapter?.In ?? custom?.In ?? 0;
        var outWidth = adapter?.Out ?? custom?.Out ?? 0;
        var length = prefix?.Length ?? prompt?.Length ?? 0;
        var rank = lora?.Rank ?? 0;
        var alpha = lora?.Alpha ?? 0;
        var dropout = adapter?.Dropout ?? lora?.Dropout ?? 0;
        var initStd = prefix?.InitStd ?? 0;
        var initRange = prompt?.InitRange ?? 0;
        var zeroInit = adapter?.ZeroInit ?? prefix?.ZeroInit ?? lora?.ZeroInit ?? false;
        var activation = adapter?.Activation ?? AdapterActivationKind.Gelu;
        var scale = read.Scale;
        var scaleValue = read.ScaleValue;
        // A tuner's state-dict name depends on its tap and this name only, never on attribute order (see TunerAttribute.Name).
        var name = read.Name ?? (kind == TunerKindModel.Custom ? CustomTunerName(attribute) : BaseName(kind));

        if (!IsTunerName(name)) diagnostics.Add(ParameterError(attribute, nameof(read.Name), label, nameof(read.Name), ParameterRange.TunerName, "\"" + name + "\""));
        switch (kind)
        {
            case TunerKindModel.Adapter:
                if (dim <= 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.Dim), label, nameof(adapter.Dim), ParameterRange.Positive, dim));
                if (inWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.In), label, nameof(adapter.In), ParameterRange.PositiveOrInfer, inWidth));
                if (outWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.Out), label, nameof(adapter.Out), ParameterRange.PositiveOrInfer, outWidth));
                if (!Enum.IsDefined(typeof(AdapterActivationKind), activation))
                    diagnostics.Add(ParameterError(attribute, nameof(adapter.Activation), label, nameof(adapter.Activation), ParameterRange.ActivationKind, (int)activation));
                break;
            case TunerKindModel.Prefix:
            case TunerKindModel.Prompt:
                if (length <= 0) diagnostics.Add(ParameterError(attribute, nameof(ResPrefixAttribute.Length), label, nameof(ResPrefixAttribute.Length), ParameterRange.Positive, length));
                if (!(initStd >= 0)) diagnostics.Add(ParameterError(attribute, nameof(ResPrefixAttribute.InitStd), label, nameof(ResPrefixAttribute.InitStd), ParameterRange.NonNegative, initStd));
                if (!(initRange >= 0)) diagnostics.Add(ParameterError(attribute, nameof(ResPromptAttribute.InitRange), label, nameof(ResPromptAttribute.InitRange), ParameterRange.NonNegative, initRange));
                break;
            case TunerKindModel.Custom:
                if (inWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(custom.In), label, nameof(custom.In), ParameterRange.PositiveOrInfer, inWidth));
                if (outWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(custom.Out), label, nameof(custom.Out), ParameterRange.PositiveOrInfer, outWidth));
                CheckCustomTuner(attribute, label);
                break;
            case TunerKindModel.LoRA:
                if (rank <= 0) diagnostics.Add(ParameterError(attribute, nameof(lora.Rank), label, nameof(lora.Rank), ParameterRange.Positive, rank));
                if (!(alpha > 0)) diagnostics.Add(ParameterError(attribute, nameof(lora.Alpha), label, nameof(lora.Alpha), ParameterRange.Positive, alpha));
                break;
        }
        if (!(dropout >= 0 && dropout < 1)) diagnostics.Add(ParameterError(attribute, nameof(LoRAAttribute.Dropout), label, nameof(LoRAAttribute.Dropout), ParameterRange.Dropout, dropout));
        if (!Enum.IsDefined(typeof(TunerScaleKind), scale))
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKind, (int)scale));
        if (scale == TunerScaleKind.Lambda && kind is not (TunerKindModel.Prefix or TunerKindModel.Prompt))
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKindWithoutLambda, nameof(TunerScaleKind.Lambda)));
        if (double.IsNaN(scaleValue) || double.IsInfinity(scaleValue))
            diagnostics.Add(ParameterError(attribute, nameof(read.ScaleValue), label, nameof(read.ScaleValue), ParameterRange.Finite, scaleValue));

        if (backbone is null) return null;
        var tap = ResolveTap(attribute, backbone);
        if (tap is null) return null;

        var tapLocation = ArgumentLocation(attribute, null);
        var tuner = KindDisplay(kind);
        if (!tap.IsTensorModule)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "a parallel tap must be an nn.Module<Tensor, Tensor>"));
            return null;
        }
        if (kind is TunerKindModel.Prefix or TunerKindModel.Prompt && tap.Shape != ModuleShape.Attention)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "it needs an attention implementing ResTuning.Operators.IAttentionOperator"));
            return null;
        }
        if (kind == TunerKindModel.LoRA && tap.Shape != ModuleShape.Linear)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "LoRA needs a Linear module"));
            return null;
        }

        Width inSpec, outSpec;
        switch (tap.Shape)
        {
            case ModuleShape.Linear:
                inSpec = inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.LinearIn, 0);
                outSpec = outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.LinearOut, 0);
                break;
            case ModuleShape.Attention:
                inSpec = inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.AttentionEmbed, 0);
                outSpec = outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.AttentionEmbed, 0);
                break;
            default:
                var width = inWidth > 0 ? inWidth : features;
                if (width <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownWidth, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType)));
                    return null;
                }
                inSpec = new Width(WidthSource.Constant, width);
                outSpec = new Width(WidthSource.Constant, outWidth > 0 ? outWidth : width);
                break;
        }

        if (diagnostics.Count > errors) return null;
        return new TunerSpec(kind, name, tap, inSpec, outSpec, dim, length, rank, alpha, dropout,
            zeroInit, initStd, initRange, activation, scale, scaleValue,
            SourceText(attribute), kind == TunerKindModel.Custom ? TapResolver.FullName(attribute.AttributeClass!.TypeArguments[0]) : "");
    }

    /// <summary>A registered module name TorchSharp and the tap's tuner group accept.</summary>
    private static bool IsTunerName(string name) => name.Length > 0 && name.All(c => c == '_' || char.IsLetterOrDigit(c));

    /// <summary>Trainable parameters added by the tuners, when every width and count is a compile-time constant and the sum fits a long; else -1.</summary>
    private static long TrainableCount(List<TunerSpec> tuners, List<TrainableSpec> trainable)
    {
        if (trainable.Count > 0) return -1;
        long total = 0;
        try
        {
            checked
            {
                foreach (var t in tuners)
                {
                    if (t.Kind != TunerKindModel.Adapter || !t.In.IsConstant || !t.Out.IsConstant || t.Tap.MatchCount < 0) return -1;
                    long perTap = ((long)t.In.Value * t.Dim) + t.Dim + ((long)t.Dim * t.Out.Value) + t.Out.Value;
                    perTap += t.Scale switch { TunerScaleKind.LearnedScalar => 1, TunerScaleKind.LearnedPerChannel => t.Out.Value, _ => 0 };
                    total += perTap * t.Tap.MatchCount;
                }
            }
        }
        catch (OverflowException)
        {
            return -1; // too many to count at compile time: counted at run time instead
        }
        return total;
    }

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

    private ResolvedTap? ResolveTap(AttributeData attribute, ITypeSymbol backbone)
    {
        var text = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        return ResolveText(text, ArgumentSyntax(attribute, null), backbone);
    }

    private ResolvedTap? ResolveNamedTap(AttributeData attribute, string property, ITypeSymbol backbone)
    {
        var text = NamedString(attribute, property);
        return text is null ? null : ResolveText(text, ArgumentSyntax(attribute, property), backbone);
    }

    /// <summary>Parses and resolves a tap path written at <paramref name="baseOffset"/> in the literal <paramref name="syntax"/>.</summary>
    private ResolvedTap? ResolveText(string? text, ExpressionSyntax? syntax, ITypeSymbol backbone, int baseOffset = 0)
    {
        var path = TapPath.TryParse(text, out var parseError);
        if (path is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedTap, SegmentLocation(syntax, baseOffset + parseError!.Offset, parseError.Length), text ?? "", parseError.Message));
            return null;
        }
        var resolved = TapResolver.Resolve(backbone, path, known, compilation, type, out var failure);
        if (resolved is null)
        {
            var segment = path.Segments[failure!.SegmentIndex];
            var info = new DiagnosticInfo(failure.Descriptor, SegmentLocation(syntax, baseOffset + segment.Offset, segment.Length), failure.Arguments);
            diagnostics.Add(failure.Suggestion is { } suggestion ? info.WithProperty(DiagnosticPropertyNames.Suggestion, suggestion) : info);
        }
        return resolved;
    }

    /// <summary>The span of characters <paramref name="offset"/>..+<paramref name="length"/> of a string literal's value; the whole expression when the literal is not plain.</summary>
    private static LocationInfo? SegmentLocation(ExpressionSyntax? syntax, int offset, int length)
    {
        if (syntax is null) return null;
        if (syntax is LiteralExpressionSyntax literal && literal.Token.IsKind(SyntaxKind.StringLiteralToken) &&
            literal.Token.Text.Length == literal.Token.ValueText.Length + 2 && literal.Token.Text[0] == '"')
        {
            var start = literal.Token.SpanStart + 1 + offset;
            return LocationInfo.From(syntax.SyntaxTree, new Microsoft.CodeAnalysis.Text.TextSpan(start, Math.Max(length, 0)));
        }
        return LocationInfo.From(syntax);
    }

    /// <summary>The expression of the positional argument (<paramref name="property"/> null) or of a named argument.</summary>
    private static ExpressionSyntax? ArgumentSyntax(AttributeData attribute, string? property)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax || syntax.ArgumentList is null) return null;
        foreach (var argument in syntax.ArgumentList.Arguments)
        {
            var name = argument.NameEquals?.Name.Identifier.Text;
            if (property is null ? name is null && argument.NameColon is null : name == property) return argument.Expression;
        }
        return null;
    }

    /// <summary>The location of an attribute's positional (<paramref name="property"/> null) or named argument; the attribute's when absent.</summary>
    internal static LocationInfo? ArgumentLocation(AttributeData attribute, string? property) =>
        LocationInfo.From(ArgumentSyntax(attribute, property)) ?? LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());

    private static DiagnosticInfo ParameterError(AttributeData attribute, string property, string owner, string parameter, ParameterRange range, object actual)
    {
        var info = DiagnosticInfo.Create(DiagnosticDescriptors.ParameterOutOfRange, ArgumentLocation(attribute, property), owner, parameter, range.Text,
            Convert.ToString(actual, CultureInfo.InvariantCulture) ?? "");
        return range.NearestValid(actual) is { } valid ? info.WithProperty(DiagnosticPropertyNames.ValidValue, valid) : info;
    }

    /// <summary>The location of a type declaration's name.</summary>
    internal static LocationInfo? IdentifierLocation(SyntaxNode declaration) => declaration is BaseTypeDeclarationSyntax t
        ? LocationInfo.From(t.SyntaxTree, t.Identifier.Span)
        : LocationInfo.From(declaration);

    private static string AttributeName(AttributeData attribute) =>
        attribute.AttributeClass is { } cls && cls.ContainingNamespace?.ToDisplayString() == Namespace ? cls.MetadataName : "";

    private static bool HasAttribute(INamedTypeSymbol type, string metadataName) => type.GetAttributes().Any(a => AttributeName(a) == metadataName);

    private static string TapText(AttributeData attribute) =>
        attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string s ? s : "";

    private static string SourceText(AttributeData attribute) =>
        "[" + (attribute.ApplicationSyntaxReference?.GetSyntax().ToString() ?? AttributeName(attribute)) + "]";

    private static string BaseName(TunerKindModel kind) => kind switch
    {
        TunerKindModel.Adapter => "adapter",
        TunerKindModel.Prefix => "prefix",
        TunerKindModel.Prompt => "prompt",
        TunerKindModel.Custom => "custom",
        _ => "lora",
    };

    private static string KindDisplay(TunerKindModel kind) => kind switch
    {
        TunerKindModel.Adapter => "Res-Adapter",
        TunerKindModel.Prefix => "Res-Prefix",
        TunerKindModel.Prompt => "Res-Prompt",
        TunerKindModel.Custom => "custom tuner",
        _ => "LoRA",
    };

    private static string ShortType(string fullName)
    {
        var name = fullName.StartsWith("global::", StringComparison.Ordinal) ? fullName.Substring(8) : fullName;
        var generic = name.IndexOf('<');
        var head = generic < 0 ? name : name.Substring(0, generic);
        var dot = head.LastIndexOf('.');
        return dot < 0 ? name : name.Substring(dot + 1);
    }

    private static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var pair in attribute.NamedArguments)
            if (pair.Key == name) return pair.Value;
        return null;
    }

    private static string? NamedString(AttributeData attribute, string name) => Named(attribute, name)?.Value as string;
}
