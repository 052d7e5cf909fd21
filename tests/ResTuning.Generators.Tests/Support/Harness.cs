using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResTuning.Generators;

namespace ResTuning.Generators.Tests.Support;

/// <summary>Compiles test inputs against <see cref="TestReferences.All"/> and runs the generator.</summary>
internal static class Harness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "TestInput",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Input{i}.cs")),
        TestReferences.All,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(TestReferences.SuppressedUnification));

    public static GeneratorDriver Driver(bool track = true) => CSharpGeneratorDriver.Create(
        new[] { new ResTuningGenerator().AsSourceGenerator() },
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    public static Result Run(params string[] sources) => Run(Compilation(sources));

    /// <summary>Runs the generator and the analyzer on <paramref name="compilation"/> (e.g. one with more references).</summary>
    public static Result Run(CSharpCompilation compilation)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzerDiagnostics = compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ResTuning.Analyzers.ResTuningConfigurationAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new Result(driver, compilation, output, generatorDiagnostics, analyzerDiagnostics);
    }

    /// <summary>
    /// A generator run. <see cref="GeneratorDiagnostics"/> are what the generator itself reported (nothing, by design);
    /// <see cref="ConfigurationDiagnostics"/> are the RT diagnostics of the ResTuning analyzer on the same input.
    /// </summary>
    internal sealed record Result(GeneratorDriver Driver, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics,
        ImmutableArray<Diagnostic> ConfigurationDiagnostics)
    {
        public GeneratorDriverRunResult RunResult => Driver.GetRunResult();

        public IReadOnlyList<GeneratedSourceResult> Sources => RunResult.Results.SelectMany(r => r.GeneratedSources).ToList();

        /// <summary>The generated models, without the shells of models with RT errors (see <see cref="IsShell"/>).</summary>
        public IReadOnlyList<GeneratedSourceResult> Models => Sources.Where(s => !IsShell(s)).ToList();

        /// <summary>Whether <paramref name="source"/> is the shell of a model with RT errors (members that throw), not a model.</summary>
        public static bool IsShell(GeneratedSourceResult source) => source.SourceText.ToString().Contains("global::ResTuning.CompilerServices.InvalidModel.", StringComparison.Ordinal);

        /// <summary>Compiler diagnostics of the output (input + generated), warnings and errors, minus missing XML docs in the test inputs.</summary>
        public IReadOnlyList<Diagnostic> CompilerProblems()
        {
            var generated = Sources.Select(s => s.SyntaxTree).ToHashSet();
            return Output.GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                .Where(d => d.Id != "CS1591" || generated.Contains(d.Location.SourceTree!))
                .ToList();
        }
    }
}
