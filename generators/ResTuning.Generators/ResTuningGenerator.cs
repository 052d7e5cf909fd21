using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Emit;

namespace ResTuning.Generators;

/// <summary>
/// Emits the TorchSharp wiring of classes annotated with <c>[ResTuning&lt;TBackbone&gt;]</c> (parallel tuners),
/// <c>[ResTuningBypass&lt;TBackbone&gt;]</c> (the detached bypass) and <c>[ResTuningMultiTask&lt;TBackbone&gt;]</c>
/// (bypasses sharing one backbone pass). Every step projects into value-only models. A model with RT errors gets a shell
/// (<see cref="ShellEmitter"/>) so that using it adds no compiler errors to the RT ones.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ResTuningGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Mode(context, ConfigurationParser.ParallelAttributeMetadataName, ConfigurationParser.ParseParallel, TrackingNames.ParallelModels,
            static r => r.Parallel, TrackingNames.ParallelSpecs, static spec => ParallelEmitter.Emit(spec));
        Mode(context, ConfigurationParser.BypassAttributeMetadataName, ConfigurationParser.ParseBypass, TrackingNames.BypassModels,
            static r => r.Bypass, TrackingNames.BypassSpecs, static spec => BypassEmitter.Emit(spec));
        Mode(context, ConfigurationParser.MultiTaskAttributeMetadataName, ConfigurationParser.ParseMultiTask, TrackingNames.MultiTaskModels,
            static r => r.MultiTask, TrackingNames.MultiTaskSpecs, static spec => MultiTaskEmitter.Emit(spec));

        // [ResTuning(...)] without <TBackbone> binds to no attribute: the mode pipelines never see it.
        var missingBackbone = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is AttributeSyntax attribute && ModelAttributeSyntax.LacksTypeArgument(attribute),
                static (ctx, ct) => Safely(() => ModelAttributeSyntax.MissingBackbone((AttributeSyntax)ctx.Node, ctx.SemanticModel, ct)))
            .Where(static info => info is not null)
            .WithTrackingName(TrackingNames.MissingBackboneArguments);
        context.RegisterSourceOutput(missingBackbone, static (spc, info) => spc.ReportDiagnostic(info!.ToDiagnostic()));
    }

    /// <summary>Reads one mode's model from a type declaration carrying its attribute.</summary>
    private delegate ModelResult ModeParser(INamedTypeSymbol type, SyntaxNode declaration, AttributeData modeAttribute, Compilation compilation, System.Threading.CancellationToken cancellationToken);

    /// <summary>
    /// One mode's pipeline: every type declaration carrying <paramref name="attributeMetadataName"/> is parsed (records,
    /// structs...), so one that cannot be generated gets its diagnostic; a valid model is emitted, an invalid one gets a shell.
    /// </summary>
    private static void Mode<TSpec>(IncrementalGeneratorInitializationContext context, string attributeMetadataName, ModeParser parse, string modelsTrackingName,
        Func<ModelResult, TSpec?> specOf, string specsTrackingName, Func<TSpec, string> emit)
        where TSpec : class, IModelSpec
    {
        var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                attributeMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                (ctx, ct) => Safely(ctx, () => parse((INamedTypeSymbol)ctx.TargetSymbol, ctx.TargetNode, ctx.Attributes[0], ctx.SemanticModel.Compilation, ct)))
            .WithTrackingName(modelsTrackingName);

        // Diagnostics are reported by ResTuning.Analyzers (shipped in the same package), which runs this same parser:
        // reporting them here too would show every one twice. Invalid models simply produce no source. The exception:
        // diagnostics that come with a declaration error (DiagnosticInfo.ByGenerator), which would hide the analyzer's
        // in a command-line build, are reported here and skipped by the analyzer.
        context.RegisterSourceOutput(ByGenerator(models), static (spc, info) => spc.ReportDiagnostic(info.ToDiagnostic()));

        // A model whose RT errors stop its generation still gets a shell (its members, throwing), so that using it adds no
        // follow-on errors (CS1729, CS1061...) to the RT ones.
        context.RegisterSourceOutput(Shells(models), static (spc, shell) => AddSource(spc, shell.Type, () => ShellEmitter.Emit(shell)));

        var specs = models
            .Where(r => specOf(r) is not null)
            .Select((r, _) => specOf(r)!)
            .WithTrackingName(specsTrackingName);
        context.RegisterSourceOutput(specs, (spc, spec) => AddSource(spc, spec.Type, () => emit(spec)));
    }

    /// <summary>The shells of the models in <paramref name="models"/> that have one.</summary>
    private static IncrementalValuesProvider<ShellSpec> Shells(IncrementalValuesProvider<ModelResult> models) =>
        models.Where(static r => r.Shell is not null).Select(static (r, _) => r.Shell!).WithTrackingName(TrackingNames.Shells);

    /// <summary>The diagnostics of <paramref name="models"/> that the generator reports itself.</summary>
    private static IncrementalValuesProvider<DiagnosticInfo> ByGenerator(IncrementalValuesProvider<ModelResult> models) =>
        models.SelectMany(static (r, _) => r.Diagnostics.Where(static d => d.ByGenerator));

    /// <summary>
    /// Adds one model's file. An emitter failure becomes RT0015 on that model instead of an exception, which would
    /// discard the output of every model (CS8785).
    /// </summary>
    private static void AddSource(SourceProductionContext context, TypeSpec type, Func<string> emit)
    {
        try
        {
            context.AddSource(type.HintName, emit());
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // The generator never throws (see Safely).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.ReportDiagnostic(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, null, type.Name, ex.GetType().Name + ": " + ex.Message).ToDiagnostic());
        }
    }

    /// <summary>A check that never throws: an unexpected failure reports nothing (the compiler's own error remains).</summary>
    private static DiagnosticInfo? Safely(Func<DiagnosticInfo?> check)
    {
        try
        {
            return check();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // The generator never throws.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static ModelResult Safely(GeneratorAttributeSyntaxContext ctx, Func<ModelResult> parse)
    {
        try
        {
            return parse();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // The generator never throws: an unexpected failure becomes a diagnostic.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ModelResult(null, null, EquatableArray<DiagnosticInfo>.Empty.Append(DiagnosticInfo.Create(
                DiagnosticDescriptors.InternalError, LocationInfo.From(ctx.TargetNode), ctx.TargetSymbol.Name, ex.GetType().Name + ": " + ex.Message)));
        }
    }
}
