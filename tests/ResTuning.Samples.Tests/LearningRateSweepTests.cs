using ResTuning.Samples.Classification;
using ResTuning.Samples.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

public sealed class LearningRateSweepTests : IDisposable
{
    // Three epochs: several points on each validation curve.
    private readonly TuningWorkspace workspace = new(TransferProtocol.Quick with { Epochs = 3 });

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void The_sweep_never_reads_the_test_split_and_the_final_runs_do()
    {
        var splits = workspace.Splits;
        using var backbone = new VitBackbone(workspace.RandomBackbone(seed: 3), workspace.Splits.Labelled.Classes);
        // Same images, every label 0 instead of balanced classes: any read of the test split by the sweep would change
        // its outcome, and the test accuracy of the final runs changes whatever the model predicts.
        var relabelled = splits with { Test = splits.Test with { Labels = zeros_like(splits.Test.Labels) } };

        var clean = MethodRun.Run(TuningMethod.Bypass, backbone, splits, workspace.Protocol, workspace.Output, CPU, workspace.ResultPath("a"));
        var changed = MethodRun.Run(TuningMethod.Bypass, backbone, relabelled, workspace.Protocol, workspace.Output, CPU, workspace.ResultPath("b"));

        Assert.Equal(TuningMethod.Bypass.LearningRates(), clean.Sweep.Select(p => p.LearningRate));
        Assert.Equal(clean.Sweep.SelectMany(p => p.EpochAccuracies), changed.Sweep.SelectMany(p => p.EpochAccuracies));
        Assert.Equal(clean.LearningRate, changed.LearningRate);
        Assert.Equal(clean.Sweep.Max(p => p.ValidationAccuracy), clean.Sweep.Single(p => p.LearningRate == clean.LearningRate).ValidationAccuracy);
        Assert.NotEqual(clean.SeedAccuracies, changed.SeedAccuracies);
        Assert.Equal(workspace.Protocol.Seeds, clean.SeedAccuracies.Count);
    }
}
