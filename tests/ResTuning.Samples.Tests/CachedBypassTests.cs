using ResTuning.Samples.Classification;
using ResTuning.Samples.Classification.ImageNet;
using ResTuning.Samples.Reporting;
using ResTuning.Samples.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

public sealed class CachedBypassTests : IDisposable
{
    private readonly TuningWorkspace workspace = new(TransferProtocol.Quick with { Epochs = 3 });

    public void Dispose() => workspace.Dispose();

    [Fact]
    public void The_bypass_trained_on_a_float32_tap_cache_matches_live_training()
    {
        using var backbone = new VitBackbone(workspace.RandomBackbone(seed: 4), workspace.Splits.Labelled.Classes);

        var live = MethodRun.Run(TuningMethod.Bypass, backbone, workspace.Splits, workspace.Protocol, workspace.Output, CPU, workspace.ResultPath("live"), tapCache: null);
        var cached = MethodRun.Run(TuningMethod.Bypass, backbone, workspace.Splits, workspace.Protocol, workspace.Output, CPU, workspace.ResultPath("cached"), tapCache: ScalarType.Float32);

        AssertSameTraining(live, cached);
    }

    [Fact]
    public void The_ResNet_bypass_and_probe_trained_on_a_float32_tap_cache_match_live_training()
    {
        // The DSL's downsampling bypass over the ImageNet ResNet-18 (taps [B, C, H, W] at four stages) and the linear probe.
        using var imagenet = new TuningWorkspace(TransferProtocol.ImageNetQuick with { Epochs = 2, Seeds = 1 });
        using var backbone = new ImageNetBackbone(imagenet.Splits.Labelled.Classes, imagenet.Protocol.ImageSize);

        foreach (var method in new[] { TuningMethod.Bypass, TuningMethod.Linear })
        {
            var live = MethodRun.Run(method, backbone, imagenet.Splits, imagenet.Protocol, imagenet.Output, CPU, imagenet.ResultPath($"{method}-live"), tapCache: null);
            var cached = MethodRun.Run(method, backbone, imagenet.Splits, imagenet.Protocol, imagenet.Output, CPU, imagenet.ResultPath($"{method}-cached"), tapCache: ScalarType.Float32);

            AssertSameTraining(live, cached);
        }
    }

    /// <summary>
    /// Same batches, same initialisation: the losses of every step agree (the backbone computed the taps in other batch
    /// sizes), and so do the chosen learning rate and the accuracies; only the cached run used a cache.
    /// </summary>
    private static void AssertSameTraining(MethodResult live, MethodResult cached)
    {
        Assert.True(live.Losses.Count > 0);
        Assert.Equal(live.Losses.Count, cached.Losses.Count);
        for (var i = 0; i < live.Losses.Count; i++) Assert.Equal(live.Losses[i], cached.Losses[i], 1e-4);
        Assert.Equal(live.LearningRate, cached.LearningRate);
        Assert.Equal(live.SeedAccuracies, cached.SeedAccuracies);
        Assert.Equal("float32", cached.TapCacheDType);
        Assert.True(cached.TapCacheBytes > 0);
        Assert.Null(live.TapCacheDType);
    }
}
