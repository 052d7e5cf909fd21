using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ResTuning.Serving.Models;

/// <summary>
/// Reads a file named by a path (a checkpoint or its labels in the task folder), refusing anything but a non-empty regular
/// file without blocking. Opening a FIFO that has no writer blocks forever in <c>open(2)</c> (and so in <see cref="FileStream"/>
/// and the runtime's <c>LoadTuners</c>), and .NET reports FIFOs and devices as <see cref="FileAttributes.Normal"/>: on Unix the
/// file is opened with <c>O_NONBLOCK</c>, and what cannot seek (FIFO, socket, terminal) or reports no length (a device) is
/// refused. The bytes are read from that one open handle, so the file cannot be swapped between the check and the read.
/// </summary>
public static class RegularFile
{
    private const int LinuxNonBlock = 0x800, LinuxCloseOnExec = 0x80000;
    private const int MacNonBlock = 0x4, MacCloseOnExec = 0x1000000;

    /// <summary>Reads all of <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointRefusedException">Missing, a directory, a FIFO, socket or device, empty, or over <paramref name="maxBytes"/>.</exception>
    public static byte[] ReadBytes(string path, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw new CheckpointRefusedException($"'{path}' is a directory, not a file.");
        using var handle = OpenNonBlocking(path);
        using var source = new FileStream(handle, FileAccess.Read, bufferSize: 1);
        if (!source.CanSeek) throw new CheckpointRefusedException($"'{path}' is not a regular file (a FIFO, socket or terminal): refused without reading it.");
        var length = source.Length;
        if (length == 0) throw new CheckpointRefusedException($"'{path}' is empty or a device, not a regular file with content.");
        if (length > maxBytes) throw new CheckpointRefusedException($"'{path}' is {length} bytes; the limit is {maxBytes}.");
        var bytes = new byte[length];
        source.ReadExactly(bytes);
        return bytes;
    }

    private static SafeFileHandle OpenNonBlocking(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            try { return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointRefusedException($"'{path}' cannot be opened: {e.Message}", e); }
        }
        var flags = OperatingSystem.IsLinux() ? LinuxNonBlock | LinuxCloseOnExec : MacNonBlock | MacCloseOnExec;
        var fd = Open(path, flags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new CheckpointRefusedException($"'{path}' cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    // open(2) from the C library, read-only (O_RDONLY is 0 on Linux and macOS).
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
