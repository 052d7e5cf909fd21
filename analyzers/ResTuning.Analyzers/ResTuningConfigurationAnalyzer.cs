using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ResTuning.Generators.Diagnostics;
using ResTuning.Generators.Model;

namespace ResTuning.Analyzers;

/// <summary>
/// Reports every invalid (RT errors) or suspicious (RT warnings) Res-Tuning configuration: each class annotated with
/// <c>[ResTuning&lt;T&gt;]</c>, <c>[ResTuningBypass&lt;T&gt;]</c> or <c>[ResTuningMultiTask&lt;T&gt;]</c> is parsed by the same
/// <see cref="ConfigurationParser"/> the generator uses, and its diagnostics are reported at their source spans. A class
/// with the DSL's tuner attributes and no model attribute gets RT0028 on each of them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ResTuningConfigurationAnalyzer : DiagnosticAnalyzer
{
    private delegate ModelResult Parser(INamedTypeSymbol type, SyntaxNode declaration, AttributeData modeAttribute, Compilation compilation, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var modes = ModeAttributes.Find(start.Compilation);
            if (modes is null) return;
            start.RegisterSymbolAction(symbol => Analyze(symbol, modes), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, ModeAttributes modes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var reported = new HashSet<DiagnosticInfo>();
        var isModel = false;
        foreach (var attribute in type.GetAttributes())
        {
            var parse = modes.ParserFor(attribute);
            isModel |= parse is not null;
            // Like the generator (ForAttributeWithMetadataName over type declarations), every type declaration is parsed.
            if (parse is null || attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).Parent?.Parent is not TypeDeclarationSyntax declaration)
                continue;
            foreach (var info in Parse(parse, type, declaration, attribute, context.Compilation, context.CancellationToken))
            {
                // A class with two modes is parsed twice; report what both parses find (RT0001, say) once. What comes with a
                // declaration error is the generator's to report (see DiagnosticInfo.ByGenerator).
                if (!info.ByGenerator && reported.Add(info)) Report(context, info, declaration.SyntaxTree);
            }
        }
        if (isModel || type.TypeKind != TypeKind.Class || type.DeclaringSyntaxReferences.IsEmpty) return;
        // Tuner attributes on a class without a model attribute (RT0028).
        foreach (var info in ConfigurationParser.ParseUnattached(type, context.CancellationToken))
            Report(context, info, type.DeclaringSyntaxReferences[0].SyntaxTree);
    }

    /// <summary>
    /// Reports <paramref name="info"/> at its span in the tree it was found in. Several trees may share a path (in-memory
    /// sources have empty paths), so the tree is chosen among those with the path: the model's own tree first, then one
    /// long enough to hold the span; a location that fits none is dropped rather than failing the analyzer.
    /// </summary>
    private static void Report(SymbolAnalysisContext context, DiagnosticInfo info, SyntaxTree declarationTree)
    {
        var location = Location.None;
        if (info.Location is { } at)
        {
            var end = at.Start + at.Length;
            var tree = declarationTree.FilePath == at.FilePath && end <= declarationTree.Length
                ? declarationTree
                : context.Compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == at.FilePath && end <= t.Length);
            if (tree is not null) location = Location.Create(tree, new TextSpan(at.Start, at.Length));
        }
        var diagnostic = info.ToDiagnostic(location);
        try
        {
            context.ReportDiagnostic(diagnostic);
        }
        catch (ArgumentException)
        {
            // The location is outside the compilation being analyzed: report the diagnostic without it.
            context.ReportDiagnostic(info.ToDiagnostic(Location.None));
        }
    }

    private static EquatableArray<DiagnosticInfo> Parse(Parser parse, INamedTypeSymbol type, TypeDeclarationSyntax declaration, AttributeData attribute,
        Compilation compilation, CancellationToken cancellationToken)
    {
        try
        {
            return parse(type, declaration, attribute, compilation, cancellationToken).Diagnostics;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // Like the generator: an unexpected failure becomes RT0015, never an AD0001 crash report.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return EquatableArray<DiagnosticInfo>.Empty.Append(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError,
                LocationInfo.From(declaration.SyntaxTree, declaration.Identifier.Span), type.Name, ex.GetType().Name + ": " + ex.Message));
        }
    }

    /// <summary>The three mode attribute classes of one compilation, looked up once.</summary>
    private sealed class ModeAttributes
    {
        private readonly INamedTypeSymbol? parallel;
        private readonly INamedTypeSymbol? bypass;
        private readonly INamedTypeSymbol? multiTask;

        private ModeAttributes(INamedTypeSymbol? parallel, INamedTypeSymbol? bypass, INamedTypeSymbol? multiTask)
        {
            this.parallel = parallel;
            this.bypass = bypass;
            this.multiTask = multiTask;
        }

        /// <summary>The mode attributes of <paramref name="compilation"/>; null when it references none (no ResTuning.Abstractions).</summary>
        public static ModeAttributes? Find(Compilation compilation)
        {
            var parallel = compilation.GetTypeByMetadataName(ConfigurationParser.ParallelAttributeMetadataName);
            var bypass = compilation.GetTypeByMetadataName(ConfigurationParser.BypassAttributeMetadataName);
            var multiTask = compilation.GetTypeByMetadataName(ConfigurationParser.MultiTaskAttributeMetadataName);
            return parallel is null && bypass is null && multiTask is null ? null : new ModeAttributes(parallel, bypass, multiTask);
        }

        /// <summary>The parser of the mode <paramref name="attribute"/> declares; null when it declares none.</summary>
        public Parser? ParserFor(AttributeData attribute)
        {
            var definition = attribute.AttributeClass?.OriginalDefinition;
            if (definition is null) return null;
            if (SymbolEqualityComparer.Default.Equals(definition, parallel)) return ConfigurationParser.ParseParallel;
            if (SymbolEqualityComparer.Default.Equals(definition, bypass)) return ConfigurationParser.ParseBypass;
            if (SymbolEqualityComparer.Default.Equals(definition, multiTask)) return ConfigurationParser.ParseMultiTask;
            return null;
        }
    }
}
