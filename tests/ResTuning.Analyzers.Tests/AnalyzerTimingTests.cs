using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResTuning.Analyzers.Tests.Support;
using ResTuning.Generators.Tests.Support;
using Xunit.Abstractions;

namespace ResTuning.Analyzers.Tests;

/// <summary>Times the analyzer over the generator benchmark's 200-class compilation and writes its JSON line to the temp folder.</summary>
public sealed class AnalyzerTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void Two_hundred_classes_are_analyzed_in_a_few_milliseconds_each()
    {
        var compilation = CSharpCompilation.Create("Many",
            new[] { Sources.Backbone, GeneratorTestInputs.ModelsSource(200) }.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"Input{i}.cs")),
            References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary).WithSpecificDiagnosticOptions(References.SuppressedUnification));

        var result = AnalyzerTiming.Run(compilation, runs: 5);
        output.WriteLine(result.ToJson());
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "restuning-analyzer-timing.json"), result.ToJson());

        Assert.Equal(200, result.Classes);
        Assert.Equal(0, result.Diagnostics);
        // Generous bound: two shared cores are noisy.
        Assert.InRange(result.WallMsPerClass, 0, 10);
    }
}
