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

    [Fact]
    public void A_large_tensor_buffer_comes_from_the_heap()
    {
        if (!OperatingSystem.IsLinux() || NativeHeapPolicy.EnvironmentConfiguresMalloc()) return;  // glibc only, unless the environment tunes malloc
        TorchNatives.Initialize(null);
        Assert.True(NativeHeapPolicy.KeepFreedMemory());

        var before = mallinfo2();
        var buffer = empty(30 * MiB / 4);
        buffer.fill_(1f);  // touch the pages
        var alive = mallinfo2();
        buffer.Dispose();
        var mapped = (long)alive.MappedBytes - (long)before.MappedBytes;
        Assert.True(mapped < MiB, $"the 30 MiB buffer was mapped on its own ({mapped / MiB} MiB of new mappings), not taken from the heap.");
    }

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
