using System.IO;
using System.Runtime.InteropServices;
using ResTuning.Native;
using static TorchSharp.torch;

namespace ResTuning.Tests.Native;

/// <summary>
/// The heap policy read back from glibc itself (<c>mallinfo2</c>): a tensor buffer of 30 MiB comes from the heap, not from a
/// mapping of its own (which glibc unmaps when it is freed, so the next step faults its pages in again). With glibc's initial
/// mmap threshold (128 KiB) the buffer would be mapped on its own. (That the heap then keeps the memory is what the trim
/// threshold adds; it shows on the main thread's heap only, since glibc deletes a worker thread's extra heap once it is
/// wholly free, so it is measured by the training benchmark rather than here, where tests run on worker threads.)
/// </summary>
public sealed class NativeHeapPolicyTests
{
    private const long MiB = 1 << 20;

    /// <summary>30 MiB: under glibc's largest mmap threshold (32 MiB). 48 MiB: above it, like a BERT embedding matrix's
    /// 47 MiB gradient, which only turning glibc's own mappings off keeps in the heap for the next step.</summary>
    [Theory]
    [InlineData(30)]
    [InlineData(48)]
    public void A_large_tensor_buffer_comes_from_the_heap(int mebibytes)
    {
        if (!OperatingSystem.IsLinux() || NativeHeapPolicy.EnvironmentConfiguresMalloc()) return;  // glibc only, unless the environment tunes malloc
        TorchNatives.Initialize(null);
        Assert.True(NativeHeapPolicy.KeepFreedMemory());

        var before = mallinfo2();
        var buffer = empty(mebibytes * MiB / 4);
        buffer.fill_(1f);  // touch the pages
        var alive = mallinfo2();
        buffer.Dispose();
        var mapped = (long)alive.MappedBytes - (long)before.MappedBytes;
        Assert.True(mapped < MiB, $"the {mebibytes} MiB buffer was mapped on its own ({mapped / MiB} MiB of new mappings), not taken from the heap.");
    }

    [Fact]
    public void Trim_hands_freed_heap_pages_back_to_the_system()
    {
        if (!OperatingSystem.IsLinux() || NativeHeapPolicy.EnvironmentConfiguresMalloc()) return;  // glibc only, unless the environment tunes malloc
        TorchNatives.Initialize(null);
        NativeHeapPolicy.KeepFreedMemory();

        // A 30 MiB buffer with a 4 MiB one after it: once the large one is freed, its pages sit inside the heap, where glibc
        // keeps them (the heap is not wholly free, and its top is the other buffer) until a trim.
        var large = empty(30 * MiB / 4);
        large.fill_(1f);
        using var after = empty(4 * MiB / 4);
        after.fill_(1f);
        large.Dispose();
        var held = mallinfo2();
        Assert.True((long)held.FreeChunks >= 30 * MiB, $"glibc holds {(long)held.FreeChunks / MiB} MiB of freed memory; the freed 30 MiB buffer should be among it.");

        var residentBefore = ResidentAnonymousBytes();
        Assert.True(NativeHeapPolicy.Trim());
        var released = residentBefore - ResidentAnonymousBytes();
        // Other tests run beside this one and allocate too, so the bound leaves room: most of the 30 MiB must go.
        Assert.True(released >= 20 * MiB, $"the trim released {released / MiB} MiB of resident memory; the freed 30 MiB buffer's pages should have gone back.");
    }

    private static long ResidentAnonymousBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Fact]
    public void An_opt_out_or_a_malloc_variable_leaves_glibc_alone()
    {
        var previous = Environment.GetEnvironmentVariable(NativeHeapPolicy.OptOutVariable);
        try
        {
            Environment.SetEnvironmentVariable(NativeHeapPolicy.OptOutVariable, "0");
            Assert.True(NativeHeapPolicy.EnvironmentConfiguresMalloc());
            Assert.False(NativeHeapPolicy.KeepFreedMemory());
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeHeapPolicy.OptOutVariable, previous);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallInfo2
    {
        public readonly nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, MaxTotal, FreeFastBytes, InUse, FreeChunks, KeepCost;
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern MallInfo2 mallinfo2();
}
