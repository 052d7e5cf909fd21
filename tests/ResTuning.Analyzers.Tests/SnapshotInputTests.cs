using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>The configurations the generator's snapshot and benchmark tests rely on raise no analyzer diagnostic.</summary>
public sealed class SnapshotInputTests
{
    public static TheoryData<string> SnapshotModels() => new(GeneratorTestInputs.SnapshotModels());

    public static TheoryData<string> BenchmarkModels() => new(GeneratorTestInputs.BenchmarkConfigurations().Select(c => Generators.Tests.Support.Sources.Model(c)));

    [Fact]
    public void Every_snapshot_configuration_is_found()
    {
        // Nine Configurations entries and the nested-type model of SnapshotTests.cs at the time of writing.
        Assert.True(GeneratorTestInputs.SnapshotModels().Count >= 10);
        Assert.True(GeneratorTestInputs.BenchmarkConfigurations().Count >= 4);
    }

    [Theory]
    [MemberData(nameof(SnapshotModels))]
    public Task Snapshot_input_raises_no_diagnostic(string model) => Verify.Analyzer(model);

    [Theory]
    [MemberData(nameof(BenchmarkModels))]
    public Task Benchmark_input_raises_no_diagnostic(string model) => Verify.Analyzer(model);
}
