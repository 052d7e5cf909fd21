using Microsoft.CodeAnalysis;

namespace ResTuning.Generators.Tests;

/// <summary>
/// The generator benchmark's workload (tests/ResTuning.Benchmarks, <c>generator</c>) is what its figures claim:
/// every annotated class generates, the output compiles, and an unrelated edit regenerates nothing. Untimed:
/// speed is reported by the benchmark, never asserted.
/// </summary>
public sealed class GeneratorWorkloadTests
{
    [Fact]
    public void Two_hundred_annotated_classes_generate_one_file_each_and_compile()
    {
        var workload = new GeneratorWorkload(200);
        GeneratorWorkload.CreateDriver(trackSteps: false)
            .RunGeneratorsAndUpdateCompilation(workload.Compilation, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var generated = output.SyntaxTrees.Except(workload.Compilation.SyntaxTrees).ToList();
        Assert.Equal(200, generated.Count);
        Assert.Equal(200, generated.Select(t => t.FilePath).Distinct().Count());
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Take(20)));
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_generated_output_cached()
    {
        var workload = new GeneratorWorkload(12);
        var driver = GeneratorWorkload.CreateDriver(trackSteps: true).RunGenerators(workload.Compilation);
        var rerun = driver.RunGenerators(workload.WithUnrelatedEdit(1)).GetRunResult().Results.Single();

        Assert.Equal(12, rerun.GeneratedSources.Length);
        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }
}
