using System.Diagnostics;
using System.IO;
using ResTuning.Caching;
using ResTuning.Tests.Support;

namespace ResTuning.Tests.Caching;

/// <summary><c>extract-taps --shard i --of 3</c> in three processes, merged, against one process extracting everything.</summary>
public sealed class TapCacheProcessTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("restuning-tapcache-cli-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [SampleCliFact]
    public void Three_processes_with_shard_merge_to_the_tensors_of_one_process()
    {
        var common = new[] { "--examples", "40", "--image-size", "16", "--batch", "8", "--seed", "5" };
        var single = Path.Combine(root, "single");
        var sharded = Path.Combine(root, "sharded");
        Assert.Equal(0, Wait(Start(common.Concat(new[] { "--output", single }))));
        var parts = Enumerable.Range(0, 3)
            .Select(i => Start(common.Concat(new[] { "--output", sharded, "--shard", i.ToString(), "--of", "3" })))
            .ToArray();
        Assert.All(parts, p => Assert.Equal(0, Wait(p)));
        Assert.Equal(3, Directory.GetFiles(sharded, "part-*-of-3.json").Length);
        Assert.Equal(0, Wait(Start(common.Concat(new[] { "--output", sharded, "--merge" }))));

        Torch.Scope(0).Dispose();
        var a = TapCacheManifest.Read(Path.Combine(single, TapCacheManifest.FileName));
        var b = TapCacheManifest.Read(Path.Combine(sharded, TapCacheManifest.FileName));
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Shards.Count, b.Shards.Count);
        using var one = TapCache.Open(single, a.Key);
        using var three = TapCache.Open(sharded, a.Key);
        var all = Enumerable.Range(0, 40).Select(i => (long)i).ToArray();
        var x = one.Read(all);
        var y = three.Read(all);
        for (var l = 0; l < x.Count; l++) Assert.True(Torch.Same(x[l], y[l]), $"tap {l}");
    }

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(SampleCli.Path!);
        info.ArgumentList.Add("extract-taps");
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static int Wait(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) Assert.Fail($"extract-taps exited with {process.ExitCode}: {output.Result}{error.Result}");
        return process.ExitCode;
    }
}
