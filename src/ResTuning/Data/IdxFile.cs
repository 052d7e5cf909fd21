using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace ResTuning.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte.gz</c>, ...):
/// gzip-compressed or plain, detected from the first bytes. Only unsigned-byte elements (type <c>0x08</c>) are
/// supported, which is what image and label files of those data sets use.
/// </summary>
/// <remarks>
/// Layout: two zero bytes, the element type, the number of dimensions, each dimension as a big-endian int32,
/// then the elements in row-major order.
/// </remarks>
public static class IdxFile
{
    /// <summary>The element-type byte of unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    private static readonly byte[] GzipMagic = { 0x1f, 0x8b };

    /// <summary>Reads the IDX file at <paramref name="path"/> (gzip or plain).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IdxFormatException">The file is not an unsigned-byte IDX file, or it is truncated or corrupt.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        var head = new byte[2];
        var isGzip = file.Read(head, 0, 2) == 2 && head[0] == GzipMagic[0] && head[1] == GzipMagic[1];
        file.Position = 0;
        try
        {
            using Stream body = isGzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(body, path);
        }
        catch (InvalidDataException e)
        {
            // GZipStream's own error for a damaged or cut compressed stream.
            throw new IdxFormatException(path, $"the gzip stream is corrupt or truncated ({e.Message}). Download or copy the file again.");
        }
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/> (already decompressed); <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="IdxFormatException">The stream is not an unsigned-byte IDX array, or it ends early.</exception>
    public static IdxArray Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var magic = new byte[4];
        if (ReadFully(stream, magic) < 4)
            throw new IdxFormatException(name, "the file is shorter than the 4-byte IDX magic number. Is it empty or cut off?");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxFormatException(name, $"wrong magic number 0x{magic[0]:x2}{magic[1]:x2}{magic[2]:x2}{magic[3]:x2}: an IDX file starts with two zero bytes. Is this an IDX file (e.g. train-images-idx3-ubyte)?");
        if (magic[2] != UnsignedByteType)
            throw new IdxFormatException(name, $"element type 0x{magic[2]:x2} is not supported; only unsigned bytes (0x08), as in MNIST and Fashion-MNIST, are.");
        var rank = magic[3];
        if (rank == 0) throw new IdxFormatException(name, "the magic number declares 0 dimensions.");

        var dims = new byte[4 * rank];
        if (ReadFully(stream, dims) < dims.Length)
            throw new IdxFormatException(name, $"truncated header: {rank} dimensions declared, the file ends before their sizes.");
        var shape = new int[rank];
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dims.AsSpan(4 * i));
            if (shape[i] < 0) throw new IdxFormatException(name, $"dimension {i} is negative ({shape[i]}).");
            elements *= shape[i];
            if (elements > Array.MaxLength)
                throw new IdxFormatException(name, $"shape [{string.Join(", ", shape[..(i + 1)])}...] holds more than {Array.MaxLength} elements.");
        }

        var data = new byte[elements];
        var read = ReadFully(stream, data);
        if (read < elements)
            throw new IdxFormatException(name, $"truncated: shape [{string.Join(", ", shape)}] needs {elements} bytes of data, the file holds {read}. Download or copy the file again.");
        return new IdxArray(shape, data);
    }

    /// <summary>
    /// Writes <paramref name="array"/> to <paramref name="path"/> atomically (a temporary file, then a rename),
    /// gzip-compressed when the path ends in <c>.gz</c>.
    /// </summary>
    public static void Write(string path, IdxArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, file =>
        {
            using var body = compressed ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true) : null;
            var target = body ?? file;
            target.Write(new byte[] { 0, 0, UnsignedByteType, (byte)array.Shape.Length });
            var dim = new byte[4];
            foreach (var d in array.Shape)
            {
                BinaryPrimitives.WriteInt32BigEndian(dim, d);
                target.Write(dim);
            }
            target.Write(array.Data);
        });
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
