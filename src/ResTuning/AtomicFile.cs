// Also compiled into the samples (linked), so it names its own namespaces rather than relying on the runtime's global usings.
using System;
using System.IO;
using System.Text;

namespace ResTuning;

/// <summary>
/// Replaces a file atomically, the one way every writer of this project does it: the content goes to a temporary file
/// <c>.{name}.{guid}.tmp</c> in the destination's folder (so the rename never crosses a file system), is flushed to disk,
/// and the temporary is renamed over the destination. A reader sees the old file or the new one, never half of one; a
/// failed write deletes its temporary and leaves the destination untouched; temporaries that a killed write left behind
/// are removed by the next write to the same destination.
/// </summary>
/// <remarks>The samples compile this same file (linked), so they keep these guarantees without a public API for it.</remarks>
internal static class AtomicFile
{
    /// <summary>How long a temporary must be untouched before a later write removes it.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    private const string TemporarySuffix = ".tmp";

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var full = Destination(path, out var directory, out var fileName);
        var temp = BeginTemporary(directory, fileName);
        try
        {
            using (var stream = OpenTemporary(temp))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="writeContent"/> writes to the stream it is given.</summary>
    /// <remarks><paramref name="writeContent"/> must not close the stream (wrap it with <c>leaveOpen: true</c>).</remarks>
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentNullException.ThrowIfNull(writeContent);
        var full = Destination(path, out var directory, out var fileName);
        var temp = BeginTemporary(directory, fileName);
        try
        {
            using (var stream = OpenTemporary(temp))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no byte-order mark).</summary>
    public static void WriteText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }

    private static string Destination(string path, out string directory, out string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        fileName = Path.GetFileName(full);
        if (fileName.Length == 0) throw new ArgumentException($"The path '{path}' names a folder, not a file.", nameof(path));
        directory = Path.GetDirectoryName(full)!;
        return full;
    }

    private static string BeginTemporary(string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        RemoveStaleTemporaries(directory, fileName);
        return Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}{TemporarySuffix}");
    }

    // FileShare.None: a write in progress holds its temporary, which tells a concurrent cleaner to keep it.
    private static FileStream OpenTemporary(string temp) => new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);

    /// <summary>
    /// Removes <c>.{fileName}.{guid}.tmp</c> files that a killed write to the same destination left behind. A temporary still
    /// open by a running write (locked) or written to in the last <see cref="StaleAfter"/> is kept; cleaning is best effort
    /// and never fails the write.
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string fileName)
    {
        var prefix = "." + fileName + ".";
        try
        {
            foreach (var candidate in Directory.EnumerateFiles(directory, "*" + TemporarySuffix))
            {
                var name = Path.GetFileName(candidate);
                if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(TemporarySuffix, StringComparison.Ordinal)) continue;
                var id = name.AsSpan(prefix.Length, name.Length - prefix.Length - TemporarySuffix.Length);
                if (id.Length != 32 || !Guid.TryParseExact(id, "N", out _)) continue;
                try
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < StaleAfter) continue;
                    using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                    File.Delete(candidate);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use or not ours to delete: leave it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder cannot be listed; the write itself reports any real problem.
        }
    }
}
