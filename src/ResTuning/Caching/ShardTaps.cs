using System.IO;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ResTuning.Checkpoints;

namespace ResTuning.Caching;

/// <summary>
/// The taps of one shard, <c>[End-Begin, ...shape]</c> each: tensors in memory, or a shard file read a batch at a time.
/// </summary>
/// <remarks>
/// A file shard reads the rows a batch asks for with positional reads into the batch's own tensors. It does not map the
/// file: mapped pages count in the process's resident set for as long as the mapping lives, so a cache larger than the
/// model's training memory would look (and, under memory pressure, behave) like process memory. Read this way, the
/// operating system's page cache keeps the hot part of the file and the process holds only the batch.
/// </remarks>
internal sealed class ShardTaps : IDisposable
{
    private readonly Tensor[]? taps;
    private readonly SafeFileHandle? file;
    private readonly long[]? tapOffsets;
    private readonly long[][]? tapShapes;
    private readonly ScalarType dtype;

    /// <summary>A shard held in memory: one tensor per tap.</summary>
    public ShardTaps(int view, long begin, long end, Tensor[] taps)
        : this(view, begin, end, taps.Length > 0 ? taps[0].dtype : ScalarType.Float32) => this.taps = taps;

    private ShardTaps(int view, long begin, long end, SafeFileHandle file, long[] tapOffsets, long[][] tapShapes, ScalarType dtype)
        : this(view, begin, end, dtype) => (this.file, this.tapOffsets, this.tapShapes) = (file, tapOffsets, tapShapes);

    private ShardTaps(int view, long begin, long end, ScalarType dtype) => (View, Begin, End, this.dtype) = (view, begin, end, dtype);

    public int View { get; }

    public long Begin { get; }

    public long End { get; }

    /// <summary>Bytes of the taps held in memory (0 for a file shard).</summary>
    public long Bytes => taps?.Sum(t => t.NumberOfElements * t.ElementSize) ?? 0;

    /// <summary>
    /// Rows <paramref name="local"/> (indices within the shard, in this order) of tap <paramref name="tap"/>, in the storage
    /// dtype: a new tensor <c>[local.Length, ...shape]</c>.
    /// </summary>
    public Tensor Gather(int tap, long[] local)
    {
        if (taps is not null)
        {
            using var index = tensor(local);
            return taps[tap].index_select(0, index);
        }
        var shape = tapShapes![tap];
        var rows = empty(new[] { (long)local.Length }.Concat(shape).ToArray(), dtype);
        var rowBytes = shape.Aggregate(1L, (a, b) => a * b) * rows.ElementSize;
        ReadRows(rows, local, tapOffsets![tap], rowBytes);
        return rows;
    }

    /// <summary>Copies the rows from the file, one read per run of consecutive indices.</summary>
    private void ReadRows(Tensor rows, long[] local, long tapOffset, long rowBytes)
    {
        var destination = rows.bytes;
        for (var i = 0; i < local.Length;)
        {
            var run = 1;
            while (i + run < local.Length && local[i + run] == local[i] + run) run++;
            var bytes = run * rowBytes;
            var position = tapOffset + local[i] * rowBytes;
            for (long read = 0; read < bytes;)
            {
                var chunk = (int)Math.Min(bytes - read, int.MaxValue);
                var n = RandomAccess.Read(file!, destination.Slice(checked((int)(i * rowBytes + read)), chunk), position + read);
                if (n == 0) throw new EndOfStreamException($"The tap-cache shard ended before row {local[i]}: it was truncated after it was opened.");
                read += n;
            }
            i += run;
        }
    }

    /// <summary>
    /// Validates the shard file against the manifest and opens it for reading; <see cref="Gather"/> then reads only the rows a
    /// batch needs.
    /// </summary>
    public static ShardTaps Open(string directory, TapCacheShard shard, TapCacheManifest manifest, TapCacheVerification verification)
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

        var offsets = new long[manifest.Key.LastTap + 1];
        var shapes = new long[manifest.Key.LastTap + 1][];
        for (var l = 0; l < offsets.Length; l++)
        {
            offsets[l] = dataStart + entries[TapCacheShard.TensorName(l)].Begin;
            shapes[l] = manifest.TapShapes[l].ToArray();
        }
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return new ShardTaps(shard.View, shard.Begin, shard.End, handle, offsets, shapes, manifest.Key.DType);
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
        foreach (var tap in taps ?? Array.Empty<Tensor>()) tap.Dispose();
        file?.Dispose();
    }

    /// <summary>Shapes of <paramref name="taps"/> without the batch dimension.</summary>
    public static IReadOnlyList<long>[] ExampleShapes(IEnumerable<Tensor> taps) => taps.Select(t => (IReadOnlyList<long>)t.shape.Skip(1).ToArray()).ToArray();
}
