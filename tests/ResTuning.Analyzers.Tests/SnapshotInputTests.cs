using System.Threading.Tasks;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>The configurations the generator's snapshot and benchmark tests rely on raise no analyzer diagnostic.</summary>
public sealed class SnapshotInputTests
{
    public static TheoryData<string> SnapshotInputs() => new(SnapshotModels.All);

    public static TheoryData<string> BenchmarkModels() => new(WorkloadModels.Configurations.Select(c => Sources.Model(c)));

    [Fact]
    public void Every_snapshot_configuration_is_found()
    {
        // Thirteen Configurations entries, the nested-type model and the multi-task group at the time of writing.
        Assert.True(SnapshotModels.All.Count >= 10);
        Assert.True(WorkloadModels.Configurations.Count >= 4);
    }

    [Theory]
    [MemberData(nameof(SnapshotInputs))]
    public Task Snapshot_input_raises_no_diagnostic(string model) => Verify.Analyzer(model);

    [Theory]
    [MemberData(nameof(BenchmarkModels))]
    public Task Benchmark_input_raises_no_diagnostic(string model) => Verify.Analyzer(model);
}
