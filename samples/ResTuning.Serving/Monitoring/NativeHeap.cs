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

    /// <summary>
    /// Arenas the server lets glibc create (<see cref="LimitArenas"/>). glibc gives threads that allocate at once arenas of
    /// their own, up to eight per core, and each keeps its own freed pages: a server whose thread pool grows under load
    /// spreads its heap over more arenas as it runs. The soak measured resident memory +7.2 % over ten minutes with glibc's
    /// default and +3.6 % with two arenas (both with <see cref="ResTuning.Native.NativeHeapPolicy.Trim"/> every 10 s; README, Serving).
    /// </summary>
    public const int ServingArenas = 2;

    /// <summary>
    /// Caps glibc's arenas at <paramref name="arenas"/> (<c>mallopt(M_ARENA_MAX)</c>), unless the environment already sets
    /// <c>MALLOC_ARENA_MAX</c> (which wins). Call it first thing in the process: glibc fixes the cap when it first needs
    /// more arenas than its start-up allowance. Returns whether the cap was set here.
    /// </summary>
    public static bool LimitArenas(int arenas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(arenas, 1);
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return false;
        try
        {
            return mallopt(MallocArenaMax, arenas) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // glibc's malloc.h: #define M_ARENA_MAX -8
    private const int MallocArenaMax = -8;

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
}
