using System.IO;
using TorchSharp;
using ResTuning.Bypass;
using ResTuning.Caching;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Caching;

public sealed class TapCacheReadTests
{
    // Shuffled, repeating, and crossing shard boundaries (shards hold 8 examples).
    private static readonly long[] Indices = { 17, 3, 8, 3, 0, 19, 12, 7 };

    [Theory]
    [InlineData(TapCacheStorage.Disk)]
    [InlineData(TapCacheStorage.Memory)]
    public void Float32_read_equals_live_Collect_of_the_same_inputs(TapCacheStorage storage)
    {
        using var _ = Torch.Scope(1);
        using var f = new CacheFixture();
        using var source = f.HookSource();
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options(storage));

        var live = source.Collect(f.Select(Indices), source.TapNames.Count - 1);
        var cached = cache.Read(Indices);
        Assert.Equal(live.Count, cached.Count);
        for (var l = 0; l < live.Count; l++) Assert.True(Torch.Same(live[l], cached[l]), $"tap {l} differs");
        Assert.Equal(storage, cache.Storage);
    }

    [Fact]
    public void Disk_cache_reads_rows_from_its_files_without_mapping_them()
    {
        // Mapped shard pages would count in the process's resident set for as long as the cache is open; the disk cache
        // reads a batch's rows instead. Runs of consecutive examples (read in one go) across a shard boundary, and repeats.
        using var _ = Torch.Scope(4);
        using var f = new CacheFixture();
        using var source = f.HookSource();
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options(TapCacheStorage.Disk));
        long[] consecutive = { 5, 6, 7, 8, 9, 10, 2, 3, 19, 19 };

        var live = source.Collect(f.Select(consecutive), source.TapNames.Count - 1);
        var cached = cache.Read(consecutive);
        for (var l = 0; l < live.Count; l++) Assert.True(Torch.Same(live[l], cached[l]), $"tap {l} differs");

        var maps = File.ReadAllText("/proc/self/maps");
        var shardFiles = Directory.GetFiles(f.Folder, "*.safetensors");
        Assert.NotEmpty(shardFiles);
        foreach (var file in shardFiles) Assert.DoesNotContain(Path.GetFullPath(file), maps);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 1e-2)]
    [InlineData(ScalarType.Float16, 2e-3)]
    public void Sixteen_bit_cache_reads_within_storage_precision_at_half_the_bytes(ScalarType dtype, double relative)
    {
        using var _ = Torch.Scope(2);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        long float32Bytes;
        using (var full = TapCache.Extract(source, f.Inputs, f.Count, f.Options() with { Directory = f.Folder + "-f32" }))
            float32Bytes = full.Bytes;
        Directory.Delete(f.Folder + "-f32", true);
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options(dtype: dtype));

        var live = source.Collect(f.Select(Indices), 2);
        var cached = cache.Read(Indices);
        for (var l = 0; l < live.Count; l++)
        {
            Assert.Equal(ScalarType.Float32, cached[l].dtype);
            var bound = relative * live[l].abs().max().ToDouble();
            Assert.True(Torch.MaxAbsDiff(live[l], cached[l]) <= bound, $"tap {l}");
        }
        Assert.True(cache.Bytes <= float32Bytes / 2 + 4096, $"{cache.Bytes} bytes vs float32 {float32Bytes}");
        Assert.Equal(dtype, cache.Read(Indices, dtype: null)[0].dtype);
    }

    [Fact]
    public void Batches_cover_every_example_once_with_matching_taps()
    {
        using var _ = Torch.Scope(3);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options(TapCacheStorage.Memory));
        var seen = new List<long>();
        foreach (var batch in cache.Batches(7, shuffle: true, seed: 5))
        {
            using (batch)
            {
                var indices = batch.Examples.data<long>().ToArray();
                seen.AddRange(indices);
                var live = source.Collect(f.Select(indices), 2);
                Assert.True(Torch.Same(live[2], batch.Taps[2]));
            }
        }
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), seen.Order());
    }

    [Fact]
    public void Augmented_views_are_cached_per_view()
    {
        using var _ = Torch.Scope(4);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        // View v flips the images v times (a deterministic augmentation of example and view).
        Tensor View(long start, int count, int view) => view == 0 ? f.Images.narrow(0, start, count) : f.Images.narrow(0, start, count).flip(3);
        using var cache = TapCache.Extract(source, View, f.Count, f.Options() with { Views = 2 });

        var views = new[] { 1, 0, 1, 0, 0, 1, 1, 0 };
        var cached = cache.Read(Indices, views);
        for (var i = 0; i < Indices.Length; i++)
        {
            var live = source.Collect(View(Indices[i], 1, views[i]), 2);
            Assert.True(Torch.Same(live[2], cached[2].narrow(0, i, 1)), $"example {Indices[i]} view {views[i]}");
        }
        Assert.Equal(2, cache.Views);
    }

    [Fact]
    public void Extraction_reports_progress_and_reads_fewer_taps_when_asked()
    {
        using var _ = Torch.Scope(5);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        var reports = new List<TapCacheProgress>();
        using var cache = TapCache.Extract(source, f.Inputs, f.Count,
            f.Options(TapCacheStorage.Memory) with { LastTap = 1, Progress = new SyncProgress(reports.Add) });
        Assert.Equal(1, cache.LastTap);
        Assert.Equal(2, cache.Read(Indices).Count);
        Assert.Equal(f.Count, reports[^1].Done);
        Assert.True(reports.Count >= 4);
        var error = Assert.Throws<ArgumentException>(() => cache.Read(Indices).For(2));
        Assert.Contains("LastTap = 2", error.Message);
    }

    private sealed class SyncProgress(Action<TapCacheProgress> report) : IProgress<TapCacheProgress>
    {
        public void Report(TapCacheProgress value) => report(value);
    }
}
