using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ResTuning.Generators.Tests.Support;
using Xunit.Abstractions;

namespace ResTuning.Generators.Tests;

/// <summary>Result of <see cref="GeneratorBenchmark.Measure"/>.</summary>
/// <param name="Classes">Annotated classes in the compilation.</param>
/// <param name="MsPerClass">Median warm full generator run, divided by <paramref name="Classes"/>.</param>
/// <param name="MedianRunMs">Median warm full run.</param>
/// <param name="EditRerunMs">Median rerun of a warm driver after an unrelated edit.</param>
public sealed record GeneratorBenchmarkResult(int Classes, double MsPerClass, double MedianRunMs, double EditRerunMs)
{
    /// <summary>One JSON line, the shape the benchmarks project's <c>generator --json</c> subcommand prints.</summary>
    public string ToJson() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{{\"classes\":{Classes},\"ms_per_class\":{MsPerClass:F4},\"median_run_ms\":{MedianRunMs:F2},\"edit_rerun_ms\":{EditRerunMs:F3}}}");
}

/// <summary>
/// Times the generator over a compilation with many annotated classes. Reusable by the benchmarks project
/// (<c>GeneratorBenchmark.Measure(200)</c>).
/// </summary>
public static class GeneratorBenchmark
{
    private static readonly string[] Configurations =
    {
        "[ResTuning<Demo.TinyVit>(Features = 16)]\n[ResAdapter(\"blocks.*.mlp\", Dim = 8)]",
        "[ResTuning<Demo.TinyVit>]\n[LoRA(\"blocks.0..2.attn.qkv\", Rank = 4)]\n[Trainable(\"head\")]",
        "[ResTuning<Demo.TinyVit>]\n[ResPrefix(\"blocks.*.attn\", Length = 5)]\n[ResAdapter(\"extra.*.mlp.fc1\")]",
        "[ResTuning<Demo.TinyVit>]\n[ResPrompt(\"blocks.3.attn\", Length = 4, Scale = TunerScaleKind.Lambda)]\n[Trainable(\"norm\")]",
    };

    /// <summary>Builds the source of <paramref name="classes"/> annotated classes.</summary>
    public static string ModelsSource(int classes)
    {
        var sb = new StringBuilder("using ResTuning;\n\nnamespace Demo.Many;\n\n");
        for (var i = 0; i < classes; i++)
            sb.Append(Configurations[i % Configurations.Length]).Append($"\npublic partial class Tuned{i};\n\n");
        return sb.ToString();
    }

    /// <summary>Measures warm generator runs over <paramref name="classes"/> annotated classes.</summary>
    public static GeneratorBenchmarkResult Measure(int classes = 200, int runs = 7)
    {
        var compilation = Harness.Compilation(Sources.Backbone, ModelsSource(classes), "namespace Demo.Other; public static class Helper { public static int Value => 1; }");
        _ = Harness.Driver(track: false).RunGenerators(compilation); // warm-up (JIT)

        // Both measurements run on a new compilation (an edited unrelated file), so both pay the same
        // compilation-side costs: a full run uses a fresh driver, the edit-loop rerun the previous one.
        var unrelated = compilation.SyntaxTrees.Last();
        Compilation Edited(int i) => compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(
            $"namespace Demo.Other; public static class Helper {{ public static int Value => {i + 2}; }}", Harness.ParseOptions, path: unrelated.FilePath));

        var full = new List<double>();
        GeneratorDriver driver = Harness.Driver(track: false);
        for (var i = 0; i < runs; i++)
        {
            var fresh = Harness.Driver(track: false);
            var edited = Edited(100 + i);
            var sw = Stopwatch.StartNew();
            driver = fresh.RunGenerators(edited);
            full.Add(sw.Elapsed.TotalMilliseconds);
        }
        var generated = driver.GetRunResult().GeneratedTrees.Length;
        if (generated != classes) throw new InvalidOperationException($"expected {classes} generated files, got {generated}");

        var edits = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var edited = Edited(i);
            var sw = Stopwatch.StartNew();
            driver = driver.RunGenerators(edited);
            edits.Add(sw.Elapsed.TotalMilliseconds);
        }

        var median = Median(full);
        return new GeneratorBenchmarkResult(classes, median / classes, median, Median(edits));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}

/// <summary>Runs the benchmark once as a test and writes its JSON line to the temp folder.</summary>
public sealed class GeneratorBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void Two_hundred_classes_generate_in_a_few_milliseconds_each()
    {
        var result = GeneratorBenchmark.Measure(200, runs: 5);
        output.WriteLine(result.ToJson());
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "restuning-generator-benchmark.json"), result.ToJson());
        // Generous bound: two shared cores are noisy. That an edit regenerates nothing is asserted by CacheabilityTests.
        Assert.InRange(result.MsPerClass, 0, 10);
    }
}
