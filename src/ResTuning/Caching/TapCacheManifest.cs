using System.IO;
using System.Text.Json;

namespace ResTuning.Caching;

/// <summary>
/// The manifest of a disk cache (<c>manifest.json</c>) or of one part of a sharded extraction (<c>part-i-of-N.json</c>): the
/// <see cref="TapCacheKey"/> the taps depend on, the per-example shape of every tap and the shard files.
/// </summary>
/// <param name="Key">What the cached taps depend on.</param>
/// <param name="TapShapes">Shape of tap l for one example (without the batch dimension).</param>
/// <param name="Shards">The shard files, ordered by view and first example.</param>
/// <param name="Part">The part this manifest covers; null for a complete cache.</param>
public sealed record TapCacheManifest(TapCacheKey Key, IReadOnlyList<IReadOnlyList<long>> TapShapes, IReadOnlyList<TapCacheShard> Shards, TapCachePart? Part = null)
{
    /// <summary>File name of a complete cache's manifest.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The format tag written to every manifest.</summary>
    public const string Format = "restuning.tapcache/1";

    /// <summary>Total bytes of the shard files.</summary>
    public long Bytes => Shards.Sum(s => s.Bytes);

    /// <summary>Writes the manifest atomically (temporary file, flush, rename) to <paramref name="path"/>.</summary>
    /// <param name="path">The manifest file.</param>
    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("backbone_sha256", Key.BackboneSha256);
            json.WriteStartArray("taps");
            foreach (var tap in Key.Taps) json.WriteStringValue(tap);
            json.WriteEndArray();
            json.WriteNumber("last_tap", Key.LastTap);
            json.WriteString("preprocessing", Key.Preprocessing);
            json.WriteString("dtype", TapCacheKey.DTypeName(Key.DType));
            json.WriteNumber("examples", Key.Examples);
            json.WriteNumber("views", Key.Views);
            json.WriteStartArray("tap_shapes");
            foreach (var shape in TapShapes)
            {
                json.WriteStartArray();
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            if (Part is { } part)
            {
                json.WriteStartObject("part");
                json.WriteNumber("index", part.Index);
                json.WriteNumber("count", part.Count);
                json.WriteEndObject();
            }
            json.WriteStartArray("shards");
            foreach (var s in Shards)
            {
                json.WriteStartObject();
                json.WriteString("file", s.File);
                json.WriteNumber("view", s.View);
                json.WriteNumber("begin", s.Begin);
                json.WriteNumber("end", s.End);
                json.WriteNumber("bytes", s.Bytes);
                json.WriteString("sha256", s.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    /// <summary>Reads a manifest.</summary>
    /// <param name="path">The manifest file.</param>
    /// <exception cref="TapCacheException">The file is missing or not a tap-cache manifest.</exception>
    public static TapCacheManifest Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TapCacheException(path, $"no manifest can be read ({e.Message}): extract the cache first (TapCache.Extract, or Merge after a sharded extraction).", e);
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var format = root.GetProperty("format").GetString();
            if (format != Format) throw new TapCacheException(path, $"has format '{format}', this library reads '{Format}': extract the cache again.");
            var key = new TapCacheKey(
                root.GetProperty("backbone_sha256").GetString() ?? "",
                root.GetProperty("taps").EnumerateArray().Select(t => t.GetString() ?? "").ToArray(),
                root.GetProperty("last_tap").GetInt32(),
                root.GetProperty("preprocessing").GetString() ?? "",
                TapCacheKey.ParseDType(root.GetProperty("dtype").GetString() ?? ""),
                root.GetProperty("examples").GetInt64(),
                root.GetProperty("views").GetInt32());
            var shapes = root.GetProperty("tap_shapes").EnumerateArray()
                .Select(s => (IReadOnlyList<long>)s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToArray();
            TapCachePart? part = root.TryGetProperty("part", out var p)
                ? new TapCachePart(p.GetProperty("index").GetInt32(), p.GetProperty("count").GetInt32())
                : null;
            var shards = root.GetProperty("shards").EnumerateArray().Select(s => new TapCacheShard(
                s.GetProperty("file").GetString() ?? "",
                s.GetProperty("view").GetInt32(),
                s.GetProperty("begin").GetInt64(),
                s.GetProperty("end").GetInt64(),
                s.GetProperty("bytes").GetInt64(),
                s.GetProperty("sha256").GetString() ?? "")).ToArray();
            var manifest = new TapCacheManifest(key, shapes, shards, part);
            manifest.CheckCoverage(path);
            return manifest;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new TapCacheException(path, $"is not a valid tap-cache manifest ({e.Message}): extract the cache again.", e);
        }
    }

    /// <summary>
    /// Checks that the shards cover this manifest's examples (all of them, or its part's) in every view exactly once, that tap
    /// shapes match the taps, and that shard files stay inside the cache folder.
    /// </summary>
    /// <param name="path">The manifest, for messages.</param>
    /// <exception cref="TapCacheException">A shard is missing, overlaps another or names a file outside the folder.</exception>
    public void CheckCoverage(string path)
    {
        if (TapShapes.Count != Key.LastTap + 1 || Key.Taps.Count != Key.LastTap + 1)
            throw new TapCacheException(path, $"lists {Key.Taps.Count} taps and {TapShapes.Count} tap shapes for last tap {Key.LastTap}: the manifest is corrupt; extract again.");
        var (begin, end) = Part?.Range(Key.Examples) ?? (0, Key.Examples);
        for (var view = 0; view < Key.Views; view++)
        {
            var cursor = begin;
            foreach (var shard in Shards.Where(s => s.View == view).OrderBy(s => s.Begin))
            {
                if (shard.Begin != cursor)
                    throw new TapCacheException(path, shard.Begin > cursor
                        ? $"no shard holds examples {cursor}..{shard.Begin - 1} of view {view}: the extraction is incomplete; extract again."
                        : $"shard '{shard.File}' overlaps the previous one at example {shard.Begin}: the manifest is corrupt; extract again.");
                cursor = shard.End;
            }
            if (cursor != end)
                throw new TapCacheException(path, $"no shard holds examples {cursor}..{end - 1} of view {view}: the extraction is incomplete; extract again.");
        }
        foreach (var shard in Shards)
        {
            if (shard.View < 0 || shard.View >= Key.Views)
                throw new TapCacheException(path, $"shard '{shard.File}' has view {shard.View}, outside 0..{Key.Views - 1}: the manifest is corrupt.");
            if (shard.File.Length == 0 || shard.File != System.IO.Path.GetFileName(shard.File))
                throw new TapCacheException(path, $"shard file '{shard.File}' is not a plain file name in the cache folder: the manifest is corrupt.");
        }
    }
}
