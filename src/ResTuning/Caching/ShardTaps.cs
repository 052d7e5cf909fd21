using System.IO;
using System.Security.Cryptography;
using ResTuning.Checkpoints;

namespace ResTuning.Caching;

/// <summary>The taps of one shard: one tensor per tap, <c>[End-Begin, ...shape]</c>, in memory or memory-mapped from its file.</summary>
internal sealed class ShardTaps : IDisposable
{
    public ShardTaps(int view, long begin, long end, Tensor[] taps)
    {
        View = view;
        Begin = begin;
        End = end;
        Taps = taps;
    }

    public int View { get; }

    public long Begin { get; }

    public long End { get; }

    /// <summary>x_0..x_L of the shard's examples.</summary>
    public Tensor[] Taps { get; }

    /// <summary>
    /// Validates the shard file against the manifest and maps it: the whole file becomes one memory-mapped tensor (copy-on-write,
    /// never written back) and every tap a view into it, so reading a batch copies only the rows it needs.
    /// </summary>
    public static ShardTaps Map(string directory, TapCacheShard shard, TapCacheManifest manifest, TapCacheVerification verification)
    {
        var path = System.IO.Path.Combine(directory, shard.File);
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new TapCacheException(path, $"the shard of examples {shard.Begin}..{shard.End - 1} (view {shard.View}) is missing: {Rerun(manifest, shard)}");
        if (info.Length != shard.Bytes)
            throw new TapCacheException(path, $"the shard is {info.Length} bytes but the manifest recorded {shard.Bytes}: it is truncated or was overwritten; {Rerun(manifest, shard)}");
        SafeTensorsHeader header;
        try
        {
            header = SafeTensorsFile.ReadHeader(path);
        }
        catch (CheckpointException e)
        {
            throw new TapCacheException(path, $"the shard is corrupt ({e.Message}); {Rerun(manifest, shard)}", e);
        }
        var dataStart = info.Length - header.DataLength;
        var elementSize = manifest.Key.DType == ScalarType.Float32 ? 4 : 2;
        var entries = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        for (var l = 0; l <= manifest.Key.LastTap; l++)
        {
            var expected = new[] { shard.Count }.Concat(manifest.TapShapes[l]).ToArray();
            if (!entries.TryGetValue(TapCacheShard.TensorName(l), out var entry) || entry.DType != manifest.Key.DType || !entry.Shape.SequenceEqual(expected))
                throw new TapCacheException(path, $"the shard does not hold tap {l} as {TapCacheKey.DTypeName(manifest.Key.DType)} {TunerShapeException.Format(expected)}: it belongs to another cache; {Rerun(manifest, shard)}");
        }
        if (header.Entries.Count != manifest.Key.LastTap + 1 || dataStart % elementSize != 0)
            throw new TapCacheException(path, $"the shard's layout is not a tap-cache shard's; {Rerun(manifest, shard)}");
        if (verification == TapCacheVerification.Checksums)
        {
            var actual = DataSha256(path, dataStart);
            if (!string.Equals(actual, shard.Sha256, StringComparison.Ordinal))
                throw new TapCacheException(path, $"the shard's data hashes to {actual[..12]}… but the manifest recorded {shard.Sha256[..Math.Min(12, shard.Sha256.Length)]}…: the file is corrupt; {Rerun(manifest, shard)}");
        }

        using var scope = NewDisposeScope();
        var file = from_file(path, shared: false, size: info.Length / elementSize, dtype: manifest.Key.DType);
        var taps = new Tensor[manifest.Key.LastTap + 1];
        for (var l = 0; l < taps.Length; l++)
        {
            var entry = entries[TapCacheShard.TensorName(l)];
            var shape = entry.Shape.ToArray();
            taps[l] = file.narrow(0, (dataStart + entry.Begin) / elementSize, entry.ByteLength / elementSize).view(shape).MoveToOuterDisposeScope();
        }
        return new ShardTaps(shard.View, shard.Begin, shard.End, taps);
    }

    /// <summary>Hex SHA-256 of the bytes from <paramref name="start"/> to the end of <paramref name="path"/>.</summary>
    public static string DataSha256(string path, long start)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        stream.Seek(start, SeekOrigin.Begin);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private static string Rerun(TapCacheManifest manifest, TapCacheShard shard) =>
        $"delete the cache folder and extract again (or re-run the part that covers examples {shard.Begin}..{shard.End - 1} of {manifest.Key.Examples} and merge).";

    public void Dispose()
    {
        foreach (var tap in Taps) tap.Dispose();
    }

    /// <summary>Shapes of <paramref name="taps"/> without the batch dimension.</summary>
    public static IReadOnlyList<long>[] ExampleShapes(IEnumerable<Tensor> taps) => taps.Select(t => (IReadOnlyList<long>)t.shape.Skip(1).ToArray()).ToArray();
}
