using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Analyzers.Tests.Support;

/// <summary>
/// Runs <see cref="ResTuningConfigurationAnalyzer"/> (and a code fix) with Microsoft.CodeAnalysis.Testing over
/// <see cref="Sources.Backbone"/> plus one model file written in the framework's markup (<c>{|RT0005:mpl|}</c>,
/// <c>{|#0:mpl|}</c>): every expected diagnostic must be reported at its exact span, and no other.
/// </summary>
internal static class Verify
{
    /// <summary>An expected diagnostic of <paramref name="id"/> (its descriptor, so the severity is checked too).</summary>
    public static DiagnosticResult Diagnostic(string id) => new(DiagnosticDescriptors.Get(id));

    /// <summary>Asserts the analyzer reports exactly the marked and the <paramref name="expected"/> diagnostics on <paramref name="model"/>.</summary>
    public static Task Analyzer(string model, params DiagnosticResult[] expected)
    {
        var test = AnalyzerTest(model);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>A configured analyzer test over the backbone and <paramref name="model"/>, to adjust before <c>RunAsync</c>.</summary>
    public static CSharpAnalyzerTest<ResTuningConfigurationAnalyzer, DefaultVerifier> AnalyzerTest(string model) =>
        Configure(new CSharpAnalyzerTest<ResTuningConfigurationAnalyzer, DefaultVerifier>(), model);

    /// <summary>
    /// Asserts the analyzer reports the marked diagnostics on <paramref name="model"/>, that <typeparamref name="TFix"/>
    /// turns it into <paramref name="fixedModel"/>, and that the analyzer is silent on <paramref name="fixedModel"/>.
    /// </summary>
    public static Task CodeFix<TFix>(string model, string fixedModel, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = Configure(new CSharpCodeFixTest<ResTuningConfigurationAnalyzer, TFix, DefaultVerifier>(), model);
        test.FixedState.Sources.Add(Sources.Backbone);
        test.FixedState.Sources.Add(fixedModel);
        test.ExpectedDiagnostics.AddRange(expected);
        // Markup in the fixed model states what the analyzer still reports there (a warning the fix uncovers).
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }

    private static T Configure<T>(T test, string model)
        where T : AnalyzerTest<DefaultVerifier>
    {
        // No reference pack download: an empty framework set, and the offline references instead.
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.TestState.Sources.Add(Sources.Backbone);
        test.TestState.Sources.Add(model);
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = (CSharpCompilationOptions)project.CompilationOptions!;
            return solution
                .WithProjectCompilationOptions(projectId, options
                    .WithNullableContextOptions(NullableContextOptions.Enable)
                    .WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.SetItems(TestReferences.SuppressedUnification)))
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
        });
        return test;
    }
}
