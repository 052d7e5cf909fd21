using System.IO;
using TorchSharp;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Caching;
using static TorchSharp.torch;

namespace ResTuning.Tests.Caching;

/// <summary>A tiny frozen ViT, a fixed data set and a temporary cache folder.</summary>
internal sealed class CacheFixture : IDisposable
{
    public static readonly VitConfig Config = new(ImageSize: 28, PatchSize: 7, InChannels: 1, EmbedDim: 32, Depth: 2, NumHeads: 2, MlpDim: 64, NumClasses: 0);

    public CacheFixture(int examples = 20, int seed = 3)
    {
        manual_seed(seed);
        Vit = new VisionTransformer(Config);
        Images = randn(examples, 1, 28, 28);
        Labels = randint(4, new long[] { examples });
        Folder = Path.Combine(Path.GetTempPath(), "restuning-tapcache-" + Guid.NewGuid().ToString("N"));
    }

    public VisionTransformer Vit { get; }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public string Folder { get; }

    public long Count => Images.shape[0];

    /// <summary>The generated models' kind of source: forward hooks on the patch embedding's consumer and the blocks.</summary>
    public HookTapSource HookSource() => new(Vit, null, Vit.Blocks.Select((b, i) => ($"blocks.{i}", (nn.Module<Tensor, Tensor>)b)));

    public TapCacheInputs Inputs => (start, count, _) => Images.narrow(0, start, count);

    public TapCacheOptions Options(TapCacheStorage storage = TapCacheStorage.Disk, ScalarType? dtype = null) => new()
    {
        Preprocessing = "test/randn",
        Storage = storage,
        Directory = storage == TapCacheStorage.Disk ? Folder : null,
        DType = dtype ?? ScalarType.Float32,
        BatchSize = 6,
        ExamplesPerShard = 8,
    };

    public Tensor Select(IReadOnlyList<long> indices) => Images.index_select(0, tensor(indices.ToArray()));

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
