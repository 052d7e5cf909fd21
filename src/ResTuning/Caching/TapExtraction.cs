using System.Diagnostics;
using System.Globalization;
using System.IO;
using ResTuning.Bypass;
using ResTuning.Checkpoints;

namespace ResTuning.Caching;

/// <summary>Runs the backbone over a data set (or one part of it) and stores its taps shard by shard.</summary>
internal static class TapExtraction
{
    /// <summary>
    /// The manifest written (or built in memory) and, in memory, the shards and, per view, the tensors (one per tap, every
    /// example of the view) whose slices the shards are, so that a batch is read with one gather per tap.
    /// </summary>
    public sealed record Result(TapCacheManifest Manifest, ShardTaps[]? Shards, Tensor[][]? Whole);

    public static Result Run(ITapSource source, TapCacheInputs inputs, long examples, TapCacheOptions options, TapCachePart? part)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        var key = TapCacheKey.For(source, examples, options);
        var disk = options.Storage == TapCacheStorage.Disk;
        var directory = disk ? Path.GetFullPath(options.Directory!) : null;
        var manifestPath = directory is null ? null : Path.Combine(directory, part?.ManifestFileName ?? TapCacheManifest.FileName);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            // Until the new manifest is written last, the folder must not look like a finished cache.
            File.Delete(manifestPath!);
            if (part is null) File.Delete(Path.Combine(directory, TapCacheManifest.FileName));
        }

        var (begin, end) = part?.Range(examples) ?? (0, examples);
        var total = (end - begin) * key.Views;
        var clock = Stopwatch.StartNew();
        long done = 0;
        IReadOnlyList<long>[]? shapes = null;
        var records = new List<TapCacheShard>();
        var memory = new List<ShardTaps>();
        var whole = new Tensor[key.Views][];
        try
        {
            for (var view = 0; view < key.Views; view++)
            {
                for (var shardBegin = begin; shardBegin < end; shardBegin += options.ExamplesPerShard)
                {
                    var shardEnd = Math.Min(end, shardBegin + options.ExamplesPerShard);
                    var into = directory is null ? new Destination(whole, view, end - begin, shardBegin - begin) : null;
                    var taps = ExtractShard(source, inputs, key, options, view, shardBegin, shardEnd, into, ref done, total, clock);
                    var exampleShapes = ShardTaps.ExampleShapes(taps);
                    shapes ??= exampleShapes;
                    if (!SameShapes(shapes, exampleShapes))
                        throw new InvalidOperationException($"Examples {shardBegin}..{shardEnd - 1} give taps of other shapes than the first examples: every input must have the same shape.");
                    if (directory is null)
                    {
                        memory.Add(new ShardTaps(view, shardBegin, shardEnd, taps));
                        continue;
                    }
                    records.Add(WriteShard(directory, view, shardBegin, shardEnd, taps));
                    foreach (var t in taps) t.Dispose();
                }
            }
        }
        catch
        {
            foreach (var shard in memory) shard.Dispose();
            foreach (var t in whole.Where(w => w is not null).SelectMany(w => w)) t.Dispose();
            throw;
        }

        var manifest = new TapCacheManifest(key, shapes!, directory is null
            ? memory.Select(s => new TapCacheShard("", s.View, s.Begin, s.End, 0, "")).ToArray()
            : records, part);
        if (manifestPath is not null) manifest.Write(manifestPath);
        return directory is null ? new Result(manifest, memory.ToArray(), whole) : new Result(manifest, null, null);
    }

    private static Tensor[] ExtractShard(ITapSource source, TapCacheInputs inputs, TapCacheKey key, TapCacheOptions options,
        int view, long shardBegin, long shardEnd, Destination? into, ref long done, long total, Stopwatch clock)
    {
        // Each batch's taps are copied (and converted) into the shard's tensors at once and freed: kept until a final
        // concatenation, they would double the shard's memory and leave the allocator no freed block to reuse, which
        // made every batch of the backbone ~7 % slower.
        Tensor[]? shard = null;
        try
        {
            for (var start = shardBegin; start < shardEnd; start += options.BatchSize)
            {
                var count = (int)Math.Min(options.BatchSize, shardEnd - start);
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var input = inputs(start, count, view);
                    if (input.shape.Length == 0 || input.shape[0] != count)
                        throw new InvalidOperationException($"The inputs of examples {start}..{start + count - 1} have shape {TunerShapeException.Format(input.shape)}; expected {count} examples, batch first.");
                    var taps = source.Collect(input, key.LastTap);
                    shard ??= into is null
                        ? taps.Select(t => empty(ShardShape(t, shardEnd - shardBegin), dtype: key.DType).DetachFromDisposeScope()).ToArray()
                        : into.Slices(taps, key.DType, shardEnd - shardBegin);
                    for (var l = 0; l < shard.Length; l++)
                    {
                        if (!taps[l].shape.Skip(1).SequenceEqual(shard[l].shape.Skip(1)))
                            throw new InvalidOperationException($"Examples {start}..{start + count - 1} give tap {l} of shape {TunerShapeException.Format(taps[l].shape)}, other than the first examples' ({TunerShapeException.Format(shard[l].shape.Skip(1).ToArray())} per example): every input must have the same shape.");
                        shard[l].narrow(0, start - shardBegin, count).copy_(taps[l]);
                    }
                }
                done += count;
                options.Progress?.Report(new TapCacheProgress(done, total, clock.Elapsed));
            }
            return shard!;
        }
        catch
        {
            foreach (var t in shard ?? Array.Empty<Tensor>()) t.Dispose();
            throw;
        }
    }

    private static long[] ShardShape(Tensor tap, long examples) => tap.shape.Skip(1).Prepend(examples).ToArray();

    /// <summary>Where an in-memory shard goes: slices of one tensor per tap holding every example of the view.</summary>
    private sealed record Destination(Tensor[][] Whole, int View, long Examples, long Offset)
    {
        public Tensor[] Slices(IReadOnlyList<Tensor> firstTaps, ScalarType dtype, long count)
        {
            Whole[View] ??= firstTaps.Select(t => empty(ShardShape(t, Examples), dtype: dtype).DetachFromDisposeScope()).ToArray();
            return Whole[View].Select(t => t.narrow(0, Offset, count).DetachFromDisposeScope()).ToArray();
        }
    }

    private static TapCacheShard WriteShard(string directory, int view, long begin, long end, Tensor[] taps)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"taps-v{view}-{begin:D9}-{end:D9}.safetensors");
        var path = Path.Combine(directory, name);
        // Atomic: SafeTensorsFile writes a temporary file, flushes it and renames it; it records the data's SHA-256.
        SafeTensorsFile.Write(path, taps.Select((t, l) => KeyValuePair.Create(TapCacheShard.TensorName(l), t)));
        var header = SafeTensorsFile.ReadHeader(path);
        return new TapCacheShard(name, view, begin, end, new FileInfo(path).Length, header.Metadata[SafeTensorsFile.ChecksumKey]);
    }

    private static bool SameShapes(IReadOnlyList<long>[] a, IReadOnlyList<long>[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First.SequenceEqual(p.Second));
}
