using System.IO;
using TorchSharp;
using ResTuning.Bypass;
using ResTuning.Caching;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Caching;

/// <summary><c>--shard i --of N</c> through the API: disjoint parts whose manifests merge into one cache.</summary>
public sealed class TapCacheShardingTests
{
    [Fact]
    public void Three_parts_merge_to_the_tensors_of_one_extraction()
    {
        using var _ = Torch.Scope(31);
        using var f = new CacheFixture(examples: 23);
        var source = new VitTapSource(f.Vit);
        using var single = TapCache.Extract(source, f.Inputs, f.Count, f.Options() with { Directory = f.Folder + "-single" });
        try
        {
            var parts = Enumerable.Range(0, 3).Select(i => TapCache.ExtractPart(source, f.Inputs, f.Count, f.Options(), new TapCachePart(i, 3))).ToArray();
            Assert.Equal(new long[] { 0, 7, 15 }, parts.Select(p => p.Shards.Min(s => s.Begin)));
            TapCache.Merge(f.Folder);
            using var merged = TapCache.Open(f.Folder, source, f.Count, f.Options());

            var all = Enumerable.Range(0, 23).Select(i => (long)i).ToArray();
            var a = single.Read(all);
            var b = merged.Read(all);
            for (var l = 0; l < a.Count; l++) Assert.True(Torch.Same(a[l], b[l]), $"tap {l}");
        }
        finally
        {
            Directory.Delete(f.Folder + "-single", true);
        }
    }

    [Fact]
    public void Merge_refuses_missing_parts_and_parts_of_another_backbone()
    {
        using var _ = Torch.Scope(32);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        TapCache.ExtractPart(source, f.Inputs, f.Count, f.Options(), new TapCachePart(0, 3));
        TapCache.ExtractPart(source, f.Inputs, f.Count, f.Options(), new TapCachePart(2, 3));
        var missing = Assert.Throws<TapCacheException>(() => TapCache.Merge(f.Folder));
        Assert.Contains("parts 1 of 3 are missing", missing.Message);
        Assert.Contains("--shard 1 --of 3", missing.Message);

        using (no_grad()) f.Vit.PosEmbed.add_(0.5);
        TapCache.ExtractPart(source, f.Inputs, f.Count, f.Options(), new TapCachePart(1, 3));
        var other = Assert.Throws<TapCacheException>(() => TapCache.Merge(f.Folder));
        Assert.Contains("backbone weights differ", other.Message);
        Assert.False(File.Exists(Path.Combine(f.Folder, TapCacheManifest.FileName)));
    }

    [Fact]
    public void Part_index_outside_the_count_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TapCachePart(3, 3).Validate());
        Assert.Contains("0..2", error.Message);
    }
}
