using System.IO;
using ResTuning.Caching;
using ResTuning.Samples.Tests.Support;

namespace ResTuning.Samples.Tests;

/// <summary><c>extract-taps --shard i --of 3</c> in three processes, merged, against one process extracting everything.</summary>
public sealed class TapCacheShardingTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("restuning-tapcache-cli-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static void Succeeds(System.Diagnostics.Process process)
    {
        using (process)
        {
            var (exit, text) = SampleProgram.Wait(process);
            Assert.True(exit == 0, $"extract-taps exited with {exit}: {text}");
        }
    }

    [Fact]
    public void Three_processes_with_shard_merge_to_the_tensors_of_one_process()
    {
        var common = new[] { "extract-taps", "--examples", "40", "--image-size", "16", "--batch", "8", "--seed", "5" };
        var single = Path.Combine(root, "single");
        var sharded = Path.Combine(root, "sharded");
        Succeeds(SampleProgram.Start(common.Concat(new[] { "--output", single })));
        var parts = Enumerable.Range(0, 3)
            .Select(i => SampleProgram.Start(common.Concat(new[] { "--output", sharded, "--shard", i.ToString(), "--of", "3" })))
            .ToArray();
        foreach (var part in parts) Succeeds(part);
        Assert.Equal(3, Directory.GetFiles(sharded, "part-*-of-3.json").Length);
        Succeeds(SampleProgram.Start(common.Concat(new[] { "--output", sharded, "--merge" })));

        var a = TapCacheManifest.Read(Path.Combine(single, TapCacheManifest.FileName));
        var b = TapCacheManifest.Read(Path.Combine(sharded, TapCacheManifest.FileName));
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Shards.Count, b.Shards.Count);
        using var one = TapCache.Open(single, a.Key);
        using var three = TapCache.Open(sharded, a.Key);
        var all = Enumerable.Range(0, 40).Select(i => (long)i).ToArray();
        var x = one.Read(all);
        var y = three.Read(all);
        Assert.Equal(x.Count, y.Count);
        for (var l = 0; l < x.Count; l++) Assert.True(x[l].shape.SequenceEqual(y[l].shape) && x[l].eq(y[l]).all().item<bool>(), $"tap {l} differs");
    }
}
