using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;

namespace ResTuning.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, a JSON header, then
/// the raw tensor bytes), the format of HuggingFace and timm checkpoints.
/// </summary>
/// <remarks>
/// <para>
/// Writes are atomic: the file is written next to its destination under a temporary name
/// (<c>.{name}.{guid}.tmp</c>), flushed to disk and renamed over the destination, so a crash never leaves a
/// half-written checkpoint; temporary files left behind by a killed write are removed by the next write
/// to the same destination.
/// </para>
/// <para>
/// Files written here carry two hashes in the header metadata: <see cref="IntegrityKey"/>, a SHA-256 over
/// the header's tensor descriptions and metadata and the data section (so a relabelled dtype, swapped
/// offsets or an edited key are caught as well as a flipped data byte), and <see cref="ChecksumKey"/>, a
/// SHA-256 of the data section alone. <see cref="Read"/> checks whichever is present. Every file, ours or
/// foreign, gets every structural check before any tensor is allocated: each tensor has a known dtype, a
/// non-negative shape whose byte size (elements × dtype size) does not overflow and equals its offsets'
/// span, and the tensors tile the data section exactly, without gaps or overlaps. Every format error is a
/// <see cref="CheckpointException"/> naming the file and, where one is at fault, the tensor.
/// </para>
/// </remarks>
public static class SafeTensorsFile
{
    /// <summary>Metadata key holding the hex SHA-256 of the data section.</summary>
    public const string ChecksumKey = "restuning.sha256";

    /// <summary>
    /// Metadata key holding <c>sha256:</c> and the hex SHA-256 over the header's tensor descriptions and
    /// metadata (all but this key) and the data section.
    /// </summary>
    public const string IntegrityKey = "restuning.integrity";

    private const string MetadataName = "__metadata__";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private const int MaxRank = 64;

    /// <summary>Writes <paramref name="tensors"/> (name → tensor) atomically to <paramref name="path"/>.</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="tensors">The tensors; names must be unique and non-empty.</param>
    /// <param name="metadata">Optional string metadata stored in the header.</param>
    /// <exception cref="ArgumentException">The path is empty, or a name is empty, repeated or <c>__metadata__</c>.</exception>
    /// <exception cref="ObjectDisposedException">A tensor has been disposed; the destination is left unchanged.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("The safetensors path is empty.", nameof(path));
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        var fileName = System.IO.Path.GetFileName(full);
        if (fileName.Length == 0) throw new ArgumentException($"The safetensors path '{path}' names a folder, not a file.", nameof(path));

        // Materialise on the CPU first: a failure here leaves nothing behind.
        var blobs = new List<(string Name, ScalarType Type, long[] Shape, byte[] Bytes)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == MetadataName)
                throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"Tensor name '{name}' appears twice.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (tensor.IsInvalid)
                throw new ObjectDisposedException(name, $"Tensor '{name}' has been disposed; nothing was written to '{path}'.");
            using var cpu = tensor.detach().cpu().contiguous();
            blobs.Add((name, cpu.dtype, cpu.shape, cpu.bytes.ToArray()));
        }

        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        meta.Remove(IntegrityKey);
        meta[ChecksumKey] = DataChecksum(blobs.Select(b => b.Bytes));
        var layout = new List<(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)>();
        long offset = 0;
        foreach (var blob in blobs)
        {
            layout.Add((blob.Name, SafeTensorsDType.Code(blob.Type), blob.Shape, offset, offset + blob.Bytes.Length));
            offset += blob.Bytes.Length;
        }
        using (var integrity = SafeTensorsIntegrity.Begin(layout, meta, offset))
        {
            foreach (var blob in blobs) integrity.AppendData(blob.Bytes);
            meta[IntegrityKey] = SafeTensorsIntegrity.Format(integrity);
        }
        var header = BuildHeader(layout, meta);

        AtomicFile.Write(full, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var blob in blobs) stream.Write(blob.Bytes);
        });
    }

    /// <summary>Reads and validates the header of a safetensors file without reading tensor data.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated or its header is malformed or inconsistent.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return ReadHeader(path, stream);
    }

    /// <summary>
    /// Reads every tensor of a safetensors file (on the CPU), after validating its structure; the
    /// file's hashes (see <see cref="IntegrityKey"/>) are checked when present. Nothing is returned unless
    /// the whole file validated.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="requireIntegrity">Refuse a file without the <see cref="IntegrityKey"/> hash (one written by another tool, an older ResTuning, or edited).</param>
    /// <exception cref="CheckpointException">The file is corrupt: truncated, malformed or inconsistent header, hash mismatch, or (with <paramref name="requireIntegrity"/>) no integrity hash.</exception>
    public static Dictionary<string, Tensor> Read(string path, bool requireIntegrity = false) =>
        ReadFile(path, requireIntegrity, checkHeader: null).Tensors;

    /// <summary>
    /// Reads and validates the whole file: <paramref name="checkHeader"/> runs on the validated header
    /// before any data is read; tensors are created only after every structural check, and disposed again
    /// if a hash does not match.
    /// </summary>
    internal static (SafeTensorsHeader Header, Dictionary<string, Tensor> Tensors) ReadFile(string path, bool requireIntegrity, Action<SafeTensorsHeader>? checkHeader)
    {
        using var stream = OpenRead(path);
        var header = ReadHeader(path, stream);
        header.Metadata.TryGetValue(IntegrityKey, out var integrityValue);
        header.Metadata.TryGetValue(ChecksumKey, out var checksumValue);
        if (integrityValue is null && requireIntegrity)
            throw new CheckpointException(path, $"has no integrity hash ('{IntegrityKey}' in {MetadataName}). Files written by this version of ResTuning always carry one, so this file was written by " +
                "an older ResTuning or another tool, or its metadata was edited. Write it again with TunerCheckpoint.Save (SaveTuners on a generated model); " +
                "a file you trust can be read with SafeTensorsFile.Read and loaded with StateDictLoader.Load first.");
        if (integrityValue is not null && !integrityValue.StartsWith(SafeTensorsIntegrity.Prefix, StringComparison.Ordinal))
            throw new CheckpointException(path, $"its integrity hash '{integrityValue}' is not '{SafeTensorsIntegrity.Prefix}…': the file is corrupt or was written by a newer ResTuning.");
        checkHeader?.Invoke(header);

        foreach (var entry in header.Entries)
            if (entry.ByteLength > Array.MaxLength)
                throw new CheckpointException(path, $"tensor '{entry.Name}' is {entry.ByteLength} bytes; this reader loads tensors of at most {Array.MaxLength} bytes.");

        using var integrity = integrityValue is null ? null
            : SafeTensorsIntegrity.Begin(header.Entries.Select(e => (e.Name, SafeTensorsDType.Code(e.DType), e.Shape, e.Begin, e.End)), header.Metadata, header.DataLength);
        using var checksum = checksumValue is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var complete = false;
        try
        {
            // The entries tile the data section (checked by ReadHeader), so reading them in offset order streams it once.
            foreach (var entry in header.Entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                var bytes = new byte[entry.ByteLength];
                try
                {
                    stream.ReadExactly(bytes);
                }
                catch (EndOfStreamException e)
                {
                    throw new CheckpointException(path, $"ended inside tensor '{entry.Name}': the file was truncated while being read.", e);
                }
                integrity?.AppendData(bytes);
                checksum?.AppendData(bytes);
                var tensor = empty(entry.Shape.ToArray(), entry.DType);
                result[entry.Name] = tensor;
                if (bytes.Length > 0) tensor.bytes = bytes;
            }

            if (integrity is not null)
            {
                var actual = SafeTensorsIntegrity.Format(integrity);
                if (!string.Equals(integrityValue, actual, StringComparison.Ordinal))
                    throw new CheckpointException(path, $"integrity checksum mismatch (header records {integrityValue}, header and data hash to {actual}): " +
                        "the file is corrupt or its header was edited (dtype, shape, offsets or metadata).");
            }
            if (checksum is not null)
            {
                var actual = Convert.ToHexString(checksum.GetHashAndReset()).ToLowerInvariant();
                if (!string.Equals(checksumValue, actual, StringComparison.Ordinal))
                    throw new CheckpointException(path, $"data checksum mismatch (header says {checksumValue}, data hashes to {actual}): the file is corrupt.");
            }
            complete = true;
            return (header, result);
        }
        catch (IOException e)
        {
            throw new CheckpointException(path, $"could not be read: {e.Message}", e);
        }
        finally
        {
            if (!complete)
                foreach (var tensor in result.Values) tensor.Dispose();
        }
    }

    private static string DataChecksum(IEnumerable<byte[]> blobs)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var blob in blobs) sha.AppendData(blob);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path)) throw new CheckpointException(path, "the path is empty: name a .safetensors file.");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CheckpointException(path, $"cannot be opened: {e.Message}", e);
        }
    }

    private static SafeTensorsHeader ReadHeader(string path, FileStream stream)
    {
        long fileLength;
        byte[] headerBytes;
        try
        {
            fileLength = stream.Length;
            if (fileLength < 8) throw new CheckpointException(path, $"is {fileLength} bytes long, too short for a safetensors file (truncated or not safetensors).");
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
                throw new CheckpointException(path, $"declares a {headerLength}-byte header but the file holds {fileLength - 8} bytes after the length field (at most {MaxHeaderBytes} are read): truncated or not safetensors.");
            headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
        }
        catch (IOException e)
        {
            throw new CheckpointException(path, $"could not be read (truncated while being read?): {e.Message}", e);
        }
        var dataLength = fileLength - 8 - headerBytes.LongLength;

        var entries = new List<SafeTensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"header is not valid JSON: {e.Message}", e);
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object) throw new CheckpointException(path, "header is not a JSON object.");
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new CheckpointException(path, property.Name == MetadataName ? $"header has two '{MetadataName}' objects." : $"tensor '{property.Name}' appears twice in the header.");
                if (property.Name == MetadataName)
                {
                    ParseMetadata(path, property.Value, metadata);
                    continue;
                }
                entries.Add(ParseEntry(path, dataLength, property));
            }
        }

        // The data section must be covered exactly, without gaps or overlaps.
        long cursor = 0;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != cursor)
                throw new CheckpointException(path, entry.Begin < cursor
                    ? $"tensor '{entry.Name}' starts at byte {entry.Begin} of the data section, inside the previous tensor (which ends at {cursor}): the offsets overlap."
                    : $"tensor '{entry.Name}' starts at byte {entry.Begin} of the data section, expected {cursor}: the offsets leave a gap.");
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw new CheckpointException(path, $"tensors cover {cursor} bytes but the data section holds {dataLength}: the file is truncated or has trailing bytes.");

        return new SafeTensorsHeader(entries, metadata, dataLength);
    }

    private static void ParseMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, $"header's '{MetadataName}' is a JSON {value.ValueKind}, not an object of strings.");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"metadata key '{m.Name}' holds a JSON {m.Value.ValueKind}; safetensors metadata values are strings.");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw new CheckpointException(path, $"metadata key '{m.Name}' appears twice.");
        }
    }

    private static SafeTensorEntry ParseEntry(string path, long dataLength, JsonProperty property)
    {
        var name = property.Name;
        var value = property.Value;
        CheckpointException Bad(string problem) => new(path, $"tensor '{name}' {problem}");

        if (name.Length == 0) throw new CheckpointException(path, "header has a tensor with an empty name.");
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"is described by a JSON {value.ValueKind}, not an object with dtype, shape and data_offsets.");
        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype": dtypeValue = dtypeValue is null ? field.Value : throw Bad("has two 'dtype' fields."); break;
                case "shape": shapeValue = shapeValue is null ? field.Value : throw Bad("has two 'shape' fields."); break;
                case "data_offsets": offsetsValue = offsetsValue is null ? field.Value : throw Bad("has two 'data_offsets' fields."); break;
            }
        }
        if (dtypeValue is not { } dtype) throw Bad("has no 'dtype'.");
        if (shapeValue is not { } shapeElement) throw Bad("has no 'shape'.");
        if (offsetsValue is not { } offsetsElement) throw Bad("has no 'data_offsets'.");

        var code = dtype.ValueKind == JsonValueKind.String ? dtype.GetString()! : throw Bad($"has a JSON {dtype.ValueKind} as dtype, not a string.");
        if (!SafeTensorsDType.TryParse(code, out var type, out var size))
            throw Bad($"has dtype '{code}'; supported: {SafeTensorsDType.Supported}.");

        var shape = Integers(shapeElement, "shape", Bad);
        if (shape.Length > MaxRank) throw Bad($"has {shape.Length} dimensions; at most {MaxRank} are supported.");
        if (shape.Any(d => d < 0)) throw Bad($"has a negative dimension in its shape {TunerShapeException.Format(shape)}.");
        var offsets = Integers(offsetsElement, "data_offsets", Bad);
        if (offsets.Length != 2) throw Bad($"has {offsets.Length} data_offsets; expected [begin, end].");
        if (offsets[0] < 0 || offsets[1] < offsets[0])
            throw Bad($"has data_offsets [{offsets[0]}, {offsets[1]}]; expected 0 ≤ begin ≤ end.");
        if (offsets[1] > dataLength)
            throw Bad($"ends at byte {offsets[1]} but the data section holds {dataLength} bytes: the file is truncated or the offsets are wrong.");

        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => a * b) * size);
        }
        catch (OverflowException)
        {
            throw Bad($"({code} {TunerShapeException.Format(shape)}) has a shape whose byte size overflows a 64-bit integer.");
        }
        if (offsets[1] - offsets[0] != expected)
            throw Bad($"({code} {TunerShapeException.Format(shape)}) needs {expected} bytes but its offsets span {offsets[1] - offsets[0]}.");
        return new SafeTensorEntry(name, type, shape, offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement element, string field, Func<string, CheckpointException> bad)
    {
        if (element.ValueKind != JsonValueKind.Array) throw bad($"has a JSON {element.ValueKind} as {field}, not an array of integers.");
        var values = new long[element.GetArrayLength()];
        var k = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[k]))
                throw bad($"has {field}[{k}] = {item.GetRawText()}, not a 64-bit integer.");
            k++;
        }
        return values;
    }

    private static byte[] BuildHeader(IEnumerable<(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataName);
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.WriteString(key, value);
            writer.WriteEndObject();
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                writer.WriteStartObject(name);
                writer.WriteString("dtype", dtype);
                writer.WriteStartArray("shape");
                foreach (var d in shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(begin);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section is aligned (as the reference writer does).
        var bytes = buffer.ToArray().ToList();
        while ((8 + bytes.Count) % 8 != 0) bytes.Add((byte)' ');
        return bytes.ToArray();
    }
}
