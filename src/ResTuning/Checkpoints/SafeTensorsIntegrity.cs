using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ResTuning.Checkpoints;

/// <summary>
/// The integrity hash of a safetensors file: SHA-256 over a canonical encoding of everything the reader
/// interprets in the header (every tensor's name, dtype, shape and offsets; every metadata string except
/// the hash itself) followed by the data section. Relabelling a dtype, swapping offsets, editing or
/// deleting a metadata key or flipping a data byte all change it; whitespace and key order do not.
/// </summary>
internal static class SafeTensorsIntegrity
{
    /// <summary>Prefix of the stored value, naming the algorithm.</summary>
    public const string Prefix = "sha256:";

    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("restuning.integrity/1\n");

    /// <summary>Starts a hash over the canonical header; the caller appends the data section and finishes it.</summary>
    public static IncrementalHash Begin(IEnumerable<(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string> metadata, long dataLength)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Domain);
        var meta = metadata.Where(kv => kv.Key != SafeTensorsFile.IntegrityKey).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        AppendInt64(hash, meta.Count);
        foreach (var (key, value) in meta)
        {
            AppendString(hash, key);
            AppendString(hash, value);
        }
        var sorted = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        AppendInt64(hash, sorted.Count);
        foreach (var (name, dtype, shape, begin, end) in sorted)
        {
            AppendString(hash, name);
            AppendString(hash, dtype);
            AppendInt64(hash, shape.Count);
            foreach (var d in shape) AppendInt64(hash, d);
            AppendInt64(hash, begin);
            AppendInt64(hash, end);
        }
        AppendInt64(hash, dataLength);
        return hash;
    }

    /// <summary>The stored form of a finished hash.</summary>
    public static string Format(IncrementalHash hash) => Prefix + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();

    private static void AppendString(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        AppendInt64(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
