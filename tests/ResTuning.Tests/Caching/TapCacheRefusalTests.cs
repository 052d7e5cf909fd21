using System.IO;
using TorchSharp;
using ResTuning.Bypass;
using ResTuning.Caching;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Caching;

/// <summary>A cache that does not match the live backbone or whose files are damaged is refused before use, naming the cause.</summary>
public sealed class TapCacheRefusalTests
{
    private static (CacheFixture Fixture, VitTapSource Source) Extracted(int seed)
    {
        Torch.Scope(seed);
        var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        TapCache.Extract(source, f.Inputs, f.Count, f.Options()).Dispose();
        return (f, source);
    }

    [Fact]
    public void A_matching_cache_opens_with_checksums()
    {
        var (f, source) = Extracted(21);
        using (f)
        using (var cache = TapCache.Open(f.Folder, source, f.Count, f.Options()))
            Assert.Equal(3, cache.Manifest.Shards.Count);
    }

    [Fact]
    public void Refused_after_a_backbone_weight_changes()
    {
        var (f, source) = Extracted(22);
        using (f)
        {
            using (no_grad()) f.Vit.Blocks[1].parameters().First().add_(1e-3);
            var error = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, source, f.Count, f.Options()));
            Assert.Contains("backbone weights differ", error.Message);
            Assert.Contains("Extract the cache again", error.Message);
        }
    }

    [Fact]
    public void Refused_after_a_tap_configuration_change()
    {
        var (f, _) = Extracted(23);
        using (f)
        {
            var otherTaps = new VitTapSource(f.Vit, new[] { 1 });
            var error = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, otherTaps, f.Count, f.Options()));
            Assert.Contains("tap configuration differs", error.Message);
            Assert.Contains("taps [blocks.0, blocks.1]", error.Message);
            var fewer = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, new VitTapSource(f.Vit), f.Count, f.Options() with { LastTap = 1 }));
            Assert.Contains("last tap 2", fewer.Message);
        }
    }

    [Fact]
    public void Refused_for_other_inputs_dtype_or_example_count()
    {
        var (f, source) = Extracted(24);
        using (f)
        {
            Assert.Contains("input preprocessing differs", Assert.Throws<TapCacheException>(
                () => TapCache.Open(f.Folder, source, f.Count, f.Options() with { Preprocessing = "test/other" })).Message);
            Assert.Contains("dtype differs", Assert.Throws<TapCacheException>(
                () => TapCache.Open(f.Folder, source, f.Count, f.Options(dtype: ScalarType.BFloat16))).Message);
            Assert.Contains("example count differs", Assert.Throws<TapCacheException>(
                () => TapCache.Open(f.Folder, source, f.Count + 1, f.Options())).Message);
        }
    }

    [Fact]
    public void Refused_with_a_truncated_shard()
    {
        var (f, source) = Extracted(25);
        using (f)
        {
            var shard = Directory.GetFiles(f.Folder, "taps-*.safetensors").Order().Last();
            using (var stream = new FileStream(shard, FileMode.Open)) stream.SetLength(stream.Length - 100);
            foreach (var verification in new[] { TapCacheVerification.Sizes, TapCacheVerification.Checksums })
            {
                var error = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, source, f.Count, f.Options(), verification));
                Assert.Contains("truncated", error.Message);
                Assert.Contains(Path.GetFileName(shard), error.Message);
            }
        }
    }

    [Fact]
    public void Refused_with_a_corrupt_or_missing_shard()
    {
        var (f, source) = Extracted(26);
        using (f)
        {
            var shards = Directory.GetFiles(f.Folder, "taps-*.safetensors").Order().ToArray();
            using (var stream = new FileStream(shards[1], FileMode.Open))
            {
                stream.Seek(-10, SeekOrigin.End);
                stream.WriteByte(0x7f);
            }
            var corrupt = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, source, f.Count, f.Options()));
            Assert.Contains("corrupt", corrupt.Message);
            File.Delete(shards[0]);
            var missing = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, source, f.Count, f.Options()));
            Assert.Contains("missing", missing.Message);
        }
    }

    [Fact]
    public void An_interrupted_extraction_leaves_no_manifest()
    {
        var (f, source) = Extracted(27);
        using (f)
        {
            TapCacheInputs failing = (start, count, _) => start >= 8 ? throw new IOException("disk gone") : f.Images.narrow(0, start, count);
            Assert.Throws<IOException>(() => TapCache.Extract(source, failing, f.Count, f.Options()));
            Assert.False(File.Exists(Path.Combine(f.Folder, TapCacheManifest.FileName)));
            Assert.Empty(Directory.GetFiles(f.Folder, "*.tmp"));
            var error = Assert.Throws<TapCacheException>(() => TapCache.Open(f.Folder, source, f.Count, f.Options()));
            Assert.Contains("extract the cache first", error.Message);
        }
    }

    [Theory]
    [InlineData(6)]   // the odd input is in the first shard's second batch
    [InlineData(8)]   // the odd input starts the second shard
    public void Extraction_refuses_inputs_whose_taps_change_shape_naming_the_examples(int firstWide)
    {
        Torch.Scope(23);
        var f = new CacheFixture();
        using (f)
        {
            var options = f.Options() with { Backbone = nn.Linear(2, 2) };
            TapCacheInputs inputs = (start, count, _) => start >= firstWide ? randn(count, 5) : randn(count, 4);
            var error = Assert.Throws<InvalidOperationException>(() => TapCache.Extract(new FlatteningSource(), inputs, 16, options));
            Assert.Contains($"Examples {firstWide}..", error.Message);
            Assert.Contains("every input must have the same shape", error.Message);
            Assert.False(File.Exists(Path.Combine(f.Folder, TapCacheManifest.FileName)));
        }
    }

    /// <summary>Taps as wide as the input: a backbone that accepts inputs of any width.</summary>
    private sealed class FlatteningSource : ITapSource
    {
        public IReadOnlyList<string> TapNames { get; } = new[] { "x0", "x1" };

        public IReadOnlyList<Tensor> Collect(Tensor input, int lastTap) => new[] { input.unsqueeze(1), input.unsqueeze(1).mul(2) };
    }
}
