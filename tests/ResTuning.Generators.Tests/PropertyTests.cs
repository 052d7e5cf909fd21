using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Generators.Tests;

/// <summary>
/// Property-based test of the generator and the analyzer over seeded random model files (<see cref="FuzzCases"/>). For
/// every compilation: the generator throws nothing, the analyzer throws nothing, and when the analyzer reports no error
/// (and the input compiles on its own), the input plus the generated code compiles without error.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultCases"/> seeds from <see cref="DefaultBaseSeed"/>. For a larger run set
/// <c>RESTUNING_FUZZ_CASES</c> (e.g. 50000) and optionally <c>RESTUNING_FUZZ_SEED</c> (the first seed); to replay one
/// failure, set <c>RESTUNING_FUZZ_SEED</c> to the seed the failure printed and <c>RESTUNING_FUZZ_CASES=1</c>.
/// </remarks>
public sealed class PropertyTests
{
    private const int DefaultCases = 2000;
    private const int DefaultBaseSeed = 20261201;

    private static readonly ResTuningGenerator Generator = new();

    [Fact]
    public void Generated_code_compiles_whenever_the_analyzer_reports_no_error()
    {
        var cases = EnvInt("RESTUNING_FUZZ_CASES") ?? DefaultCases;
        var first = EnvInt("RESTUNING_FUZZ_SEED") ?? DefaultBaseSeed;

        // Two trees with the same path (empty, as in-memory sources often have) in half of the cases: the analyzer must
        // still place every diagnostic in the right tree.
        var named = Harness.Compilation().AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(Sources.Backbone, Harness.ParseOptions, path: "Backbone.cs"),
            CSharpSyntaxTree.ParseText(FuzzCases.Backbones, Harness.ParseOptions, path: "Fuzz.cs"));
        var unnamed = Harness.Compilation().AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(Sources.Backbone, Harness.ParseOptions, path: ""),
            CSharpSyntaxTree.ParseText(FuzzCases.Backbones, Harness.ParseOptions, path: ""));
        Assert.Empty(named.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var failures = new ConcurrentBag<string>();
        var stats = new ConcurrentDictionary<string, int>();
        var watch = Stopwatch.StartNew();
        System.Threading.Tasks.Parallel.For(0, cases, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var seed = first + i;
            var baseCompilation = seed % 2 == 0 ? named : unnamed;
            string source = "";
            try
            {
                source = FuzzCases.Generate(seed);
                var outcome = Check(baseCompilation, source, seed % 2 == 0 ? "Model.cs" : "");
                stats.AddOrUpdate(outcome.Kind, 1, (_, n) => n + 1);
                if (outcome.Failure is not null) failures.Add($"seed {seed}: {outcome.Failure}\n{source}");
            }
            catch (Exception ex)
            {
                failures.Add($"seed {seed}: the test itself threw {ex}\n{source}");
            }
        });

        var summary = $"{cases} cases from seed {first} in {watch.Elapsed.TotalSeconds:F1}s: " +
            string.Join(", ", stats.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
        Console.WriteLine(summary);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {summary} failed (replay: RESTUNING_FUZZ_SEED=<seed> RESTUNING_FUZZ_CASES=1):\n\n"
            + string.Join("\n\n", failures.OrderBy(f => f, StringComparer.Ordinal).Take(5)));
        // The generator must be exercised: a fair share of the cases must produce code that compiles.
        Assert.True(stats.GetValueOrDefault("generated") >= cases / 10, "too few cases generated code: " + summary);
    }

    private sealed record Outcome(string Kind, string? Failure = null);

    private static Outcome Check(CSharpCompilation baseCompilation, string source, string path)
    {
        var input = baseCompilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, Harness.ParseOptions, path: path));

        var driver = CSharpGeneratorDriver.Create(new[] { Generator.AsSourceGenerator() }, parseOptions: Harness.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null) return new Outcome("failed", "generator threw " + run.Exception);
        if (generatorDiagnostics.FirstOrDefault(d => d.Id is "CS8784" or "CS8785") is { } crash) return new Outcome("failed", "generator failed: " + crash);

        var analyzerExceptions = new ConcurrentBag<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (ex, _, _) => analyzerExceptions.Add(ex), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var modelTree = input.SyntaxTrees.Last();
        // The models are declared in the model file: analyzing its symbols is enough, and far cheaper than the whole compilation.
        var analyzerDiagnostics = input
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ResTuning.Analyzers.ResTuningConfigurationAnalyzer()), options)
            .GetAnalyzerSemanticDiagnosticsAsync(input.GetSemanticModel(modelTree), null, System.Threading.CancellationToken.None).GetAwaiter().GetResult();
        if (!analyzerExceptions.IsEmpty) return new Outcome("failed", "analyzer threw " + analyzerExceptions.First());
        if (analyzerDiagnostics.FirstOrDefault(d => d.Id is "AD0001" or "RT0015") is { } internalError)
            return new Outcome("failed", "analyzer failed: " + internalError);
        if (generatorDiagnostics.FirstOrDefault(d => d.Id == "RT0015") is { } emitError) return new Outcome("failed", "emitter failed: " + emitError);

        var inputErrors = new Lazy<List<Diagnostic>>(() => Errors(input, new[] { modelTree }));
        // What a user sees: the analyzer's diagnostics and the few the generator reports itself (a wrong base class).
        var reported = analyzerDiagnostics.AddRange(generatorDiagnostics.Where(d => d.Id.StartsWith("RT", StringComparison.Ordinal)));
        if (Silent(modelTree, run, reported, inputErrors) is { } silent)
            return new Outcome("failed", $"'{silent}' has a mode attribute but got neither generated code nor an error");

        if (reported.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } firstError)
        {
            // A model with RT errors may get a shell (its members, throwing): an error in a generated file would be a
            // follow-on error besides the RT ones, unless the input does not compile by itself.
            var generatedTrees = run.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
            var shellErrors = Errors(output, generatedTrees).Where(d => d.Location.SourceTree is { } t && generatedTrees.Contains(t)).ToList();
            if (shellErrors.Count > 0 && inputErrors.Value.Count == 0)
                return new Outcome("failed", $"{firstError.Id} reported, and the generated files do not compile:\n  "
                    + string.Join("\n  ", shellErrors.Take(5).Select(d => d.ToString())) + "\n"
                    + string.Join("\n", run.GeneratedSources.Select(s => $"--- {s.HintName}\n{s.SourceText}")));
            return new Outcome("reported " + firstError.Id);
        }
        var outputErrors = Errors(output, run.GeneratedSources.Select(s => s.SyntaxTree).Append(modelTree));
        if (outputErrors.Count == 0) return new Outcome(run.GeneratedSources.Length > 0 ? "generated" : "nothing to generate");
        // Input that does not compile by itself (a file-local nested class, a struct with a class-only attribute) is not the generator's to fix.
        if (inputErrors.Value.Count > 0) return new Outcome("invalid input");

        var generated = string.Join("\n", run.GeneratedSources.Select(s => $"--- {s.HintName}\n{s.SourceText}"));
        return new Outcome("failed", "no RT error, but the output does not compile:\n  "
            + string.Join("\n  ", outputErrors.Take(5).Select(d => d.ToString())) + "\n" + generated);
    }

    /// <summary>A model of <paramref name="tree"/> with a mode attribute and neither a generated file nor an error in its declaration.</summary>
    private static string? Silent(SyntaxTree tree, GeneratorRunResult run, ImmutableArray<Diagnostic> analyzerDiagnostics, Lazy<List<Diagnostic>> inputErrors)
    {
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>())
        {
            var modes = declaration.AttributeLists.SelectMany(l => l.Attributes).Count(a => a.Name.ToString().StartsWith("ResTuning", StringComparison.Ordinal));
            if (modes == 0) continue;
            var name = declaration.Identifier.ValueText;
            var hint = new System.Text.RegularExpressions.Regex(@"(^|\.)" + System.Text.RegularExpressions.Regex.Escape(name) + @"(\.[0-9]+)?\.g\.cs$");
            if (run.GeneratedSources.Any(s => hint.IsMatch(s.HintName))) continue;
            // An error in any part of the class (a partial class may be declared twice) explains the missing output.
            var parts = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>()
                .Where(t => t.Identifier.ValueText == name).ToList();
            // The generator reports from cached values, at a path and span (no tree): it is in this file when the path and span fit.
            bool InFile(Diagnostic d) => d.Location.SourceTree == tree
                || (d.Location.Kind == LocationKind.ExternalFile && d.Location.GetLineSpan().Path == tree.FilePath && d.Location.SourceSpan.End <= tree.Length);
            bool Inside(Diagnostic d) => InFile(d) && parts.Any(p => p.FullSpan.Contains(d.Location.SourceSpan));
            if (analyzerDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && Inside(d))) continue;
            if (inputErrors.Value.Any(Inside)) continue;
            return name;
        }
        return null;
    }

    /// <summary>
    /// The errors of <paramref name="compilation"/> that the model file and the generated files can cause: every declaration
    /// error, and every error in the bodies of <paramref name="trees"/> (the backbones' bodies are checked once, not per case).
    /// </summary>
    private static List<Diagnostic> Errors(Compilation compilation, IEnumerable<SyntaxTree> trees) => compilation.GetDeclarationDiagnostics()
        .Concat(trees.SelectMany(t => compilation.GetSemanticModel(t).GetDiagnostics()))
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .ToList();

    private static int? EnvInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
