using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace ResTuning.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header, then
/// the raw tensor bytes), the format of HuggingFace and timm checkpoints.
/// </summary>
/// <remarks>
/// Writes are atomic: the file is written next to its destination under a temporary name, flushed to
/// disk and renamed over the destination, so a crash never leaves a half-written checkpoint. Files
/// written here carry a SHA-256 of their data section in the header metadata, checked on read.
/// </remarks>
public static class SafeTensorsFile
{
    /// <summary>Metadata key holding the hex SHA-256 of the data section.</summary>
    public const string ChecksumKey = "restuning.sha256";

    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Writes <paramref name="tensors"/> (name → tensor) atomically to <paramref name="path"/>.</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="metadata">Optional string metadata stored in the header.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Materialise on the CPU first: a failure here leaves nothing behind.
            var blobs = new List<(string Name, ScalarType Type, long[] Shape, byte[] Bytes)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, tensor) in tensors)
            {
                if (!names.Add(name)) throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
                using var cpu = tensor.detach().cpu().contiguous();
                blobs.Add((name, cpu.dtype, cpu.shape, cpu.bytes.ToArray()));
            }

            using var sha = SHA256.Create();
            foreach (var blob in blobs) sha.TransformBlock(blob.Bytes, 0, blob.Bytes.Length, null, 0);
            sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
            var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                [ChecksumKey] = Convert.ToHexString(sha.Hash!).ToLowerInvariant(),
            };

            var header = BuildHeader(blobs.Select(b => (b.Name, b.Type, b.Shape, (long)b.Bytes.Length)), meta);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var blob in blobs) stream.Write(blob.Bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads and validates the header of a safetensors file without reading tensor data.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated or its header is malformed.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(path, stream);
    }

    /// <summary>Reads every tensor of a safetensors file (on the CPU), after validating the whole file.</summary>
    /// <exception cref="CheckpointException">The file is corrupt: truncated, malformed header, overlapping data or checksum mismatch.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = OpenRead(path);
        var header = ReadHeader(path, stream);
        var data = new byte[header.DataLength];
        stream.ReadExactly(data);

        if (header.Metadata.TryGetValue(ChecksumKey, out var expected))
        {
            var actual = Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                throw new CheckpointException(path, $"data checksum mismatch (header says {expected}, data hashes to {actual}): the file is corrupt.");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            var tensor = empty(entry.Shape.ToArray(), entry.DType);
            if (entry.ByteLength > 0) tensor.bytes = data.AsSpan((int)entry.Begin, (int)entry.ByteLength);
            result[entry.Name] = tensor;
        }
        return result;
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be opened: {e.Message}", e);
        }
    }

    private static SafeTensorsHeader ReadHeader(string path, FileStream stream)
    {
        var fileLength = stream.Length;
        if (fileLength < 8) throw new CheckpointException(path, $"is {fileLength} bytes long, too short for a safetensors file.");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
            throw new CheckpointException(path, $"declares a {headerLength}-byte header but the file holds {fileLength - 8} bytes after the length field: truncated or not safetensors.");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var dataLength = fileLength - 8 - (long)headerLength;

        var entries = new List<SafeTensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var json = JsonDocument.Parse(headerBytes);
            if (json.RootElement.ValueKind != JsonValueKind.Object) throw new CheckpointException(path, "header is not a JSON object.");
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                entries.Add(ParseEntry(path, property));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException(path, $"header is not valid safetensors JSON: {e.Message}", e);
        }

        // The data section must be covered exactly, without gaps or overlaps.
        long cursor = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            if (entry.Begin != cursor)
                throw new CheckpointException(path, $"tensor '{entry.Name}' starts at byte {entry.Begin} of the data section, expected {cursor} (gap or overlap).");
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw new CheckpointException(path, $"tensors cover {cursor} bytes but the data section holds {dataLength}: the file is truncated or has trailing bytes.");

        return new SafeTensorsHeader(entries, metadata, dataLength);
    }

    private static SafeTensorEntry ParseEntry(string path, JsonProperty property)
    {
        var name = property.Name;
        var value = property.Value;
        var code = value.GetProperty("dtype").GetString() ?? "";
        if (!SafeTensorsDType.TryParse(code, out var type, out var size))
            throw new CheckpointException(path, $"tensor '{name}' has dtype '{code}'; supported: {SafeTensorsDType.Supported}.");
        var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (shape.Any(d => d < 0)) throw new CheckpointException(path, $"tensor '{name}' has a negative dimension.");
        var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
            throw new CheckpointException(path, $"tensor '{name}' has invalid data_offsets.");
        var expected = shape.Aggregate(1L, (a, b) => a * b) * size;
        if (offsets[1] - offsets[0] != expected)
            throw new CheckpointException(path, $"tensor '{name}' ({code} {TunerShapeException.Format(shape)}) needs {expected} bytes but its offsets span {offsets[1] - offsets[0]}.");
        return new SafeTensorEntry(name, type, shape, offsets[0], offsets[1]);
    }

    private static byte[] BuildHeader(IEnumerable<(string Name, ScalarType Type, long[] Shape, long Length)> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.WriteString(key, value);
            writer.WriteEndObject();
            long offset = 0;
            foreach (var (name, type, shape, length) in entries)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", SafeTensorsDType.Code(type));
                writer.WriteStartArray("shape");
                foreach (var d in shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += length;
            }
            writer.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section is aligned (as the reference writer does).
        var bytes = buffer.ToArray().ToList();
        while (bytes.Count % 8 != 0) bytes.Add((byte)' ');
        return bytes.ToArray();
    }
}
