using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

public sealed class CachedBypassTests : IDisposable
{
    private readonly FakeFashionMnist data = new(trainPerClass: 12, testPerClass: 6);
    private readonly string output = Directory.CreateTempSubdirectory("restuning-cached-").FullName;

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void The_bypass_trained_on_a_float32_tap_cache_matches_live_training()
    {
        var protocol = TransferProtocol.Quick with { Epochs = 3 };
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);
        manual_seed(4);
        var backbone = Path.Combine(output, "backbone.safetensors");
        using (var vit = new VisionTransformer(SampleVit.ForFashionMnist(5)))
            SafeTensorsFile.Write(backbone, vit.state_dict(), VitCheckpoint.Metadata(vit.Config));

        var live = MethodRun.Run(TuningMethod.Bypass, backbone, splits, protocol, output, CPU, Path.Combine(output, "live.json"), tapCache: null);
        var cached = MethodRun.Run(TuningMethod.Bypass, backbone, splits, protocol, output, CPU, Path.Combine(output, "cached.json"), tapCache: ScalarType.Float32);

        // Same batches, same initialisation: the losses of every step agree (the backbone computed the taps in other batch sizes).
        Assert.Equal(live.Losses.Count, cached.Losses.Count);
        for (var i = 0; i < live.Losses.Count; i++) Assert.Equal(live.Losses[i], cached.Losses[i], 1e-4);
        Assert.Equal(live.LearningRate, cached.LearningRate);
        Assert.Equal(live.SeedAccuracies, cached.SeedAccuracies);
        Assert.Equal("float32", cached.TapCacheDType);
        Assert.True(cached.TapCacheBytes > 0);
        Assert.Null(live.TapCacheDType);
    }
}
