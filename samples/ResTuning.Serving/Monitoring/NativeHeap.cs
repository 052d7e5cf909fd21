using System;
using System.Runtime.InteropServices;

namespace ResTuning.Serving.Monitoring;

/// <summary>
/// glibc's view of the native heap (<c>mallinfo2</c>, glibc 2.33 and later), where libtorch's tensors live: what is in use,
/// and what is free but still held by the process (freed chunks glibc has not handed back, the fragmentation that makes the
/// resident set creep while nothing leaks).
/// </summary>
public static class NativeHeap
{
    /// <summary>One reading, in bytes.</summary>
    /// <param name="InUse">Allocated and not freed (small chunks plus mmapped blocks).</param>
    /// <param name="FreeHeld">Freed chunks the heap keeps (some of it already given back to the kernel page by page).</param>
    public readonly record struct Reading(long InUse, long FreeHeld);

    /// <summary>The heap now, or null where glibc's <c>mallinfo2</c> is not there (not Linux, musl, older glibc).</summary>
    public static Reading? Current()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return new Reading((long)(info.uordblks + info.hblkhd), (long)info.fordblks);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Asks glibc to hand every whole free page of every arena back to the kernel (<c>malloc_trim(0)</c>); false where there is no glibc to ask.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            malloc_trim(UIntPtr.Zero);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(UIntPtr pad);
}
