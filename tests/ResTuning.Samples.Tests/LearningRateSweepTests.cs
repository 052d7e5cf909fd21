using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

public sealed class LearningRateSweepTests : IDisposable
{
    private readonly FakeFashionMnist data = new(trainPerClass: 12, testPerClass: 6);
    private readonly string output = Directory.CreateTempSubdirectory("restuning-sweep-").FullName;

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void The_sweep_never_reads_the_test_split_and_the_final_runs_do()
    {
        var protocol = TransferProtocol.Quick with { Epochs = 3 };   // several points on each validation curve
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);
        manual_seed(3);
        var backbone = Path.Combine(output, "backbone.safetensors");
        using (var vit = new VisionTransformer(SampleVit.ForFashionMnist(5)))
            SafeTensorsFile.Write(backbone, vit.state_dict());
        // Same images, every label 0 instead of balanced classes: any read of the test split by the sweep would change
        // its outcome, and the test accuracy of the final runs changes whatever the model predicts.
        var relabelled = splits with { Test = splits.Test with { Labels = zeros_like(splits.Test.Labels) } };

        var clean = MethodRun.Run(TuningMethod.Bypass, backbone, splits, protocol, output, CPU, Path.Combine(output, "a.json"));
        var changed = MethodRun.Run(TuningMethod.Bypass, backbone, relabelled, protocol, output, CPU, Path.Combine(output, "b.json"));

        Assert.Equal(TuningMethod.Bypass.LearningRates(), clean.Sweep.Select(p => p.LearningRate));
        Assert.Equal(clean.Sweep.SelectMany(p => p.EpochAccuracies), changed.Sweep.SelectMany(p => p.EpochAccuracies));
        Assert.Equal(clean.LearningRate, changed.LearningRate);
        Assert.Equal(clean.Sweep.Max(p => p.ValidationAccuracy), clean.Sweep.Single(p => p.LearningRate == clean.LearningRate).ValidationAccuracy);
        Assert.NotEqual(clean.SeedAccuracies, changed.SeedAccuracies);
        Assert.Equal(protocol.Seeds, clean.SeedAccuracies.Count);
    }
}
