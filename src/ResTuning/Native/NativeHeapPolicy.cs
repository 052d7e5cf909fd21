using System.Runtime.InteropServices;

namespace ResTuning.Native;

/// <summary>
/// Whether glibc's <c>malloc</c> keeps the memory of freed tensors for the next step or hands it back to the system at once.
/// <see cref="TorchNatives.Initialize"/> calls <see cref="KeepFreedMemory"/> unless the environment tunes malloc itself.
/// </summary>
/// <remarks>
/// <para>A training or inference step allocates and frees the same large buffers (activations, gradients, optimizer
/// temporaries) every time. By default glibc returns the free top of its heap to the system once it exceeds the trim
/// threshold (at most 64 MiB) and maps buffers above the mmap threshold (at most 32 MiB) on their own, so the next step
/// gets fresh pages again and pays a page fault for each 4 KiB of them; in a virtual machine a page fault is expensive.
/// Measured with the training benchmark's ResNet (batch 32, 112 px) on the 2-core build machine while another job ran
/// (2026-12-07): an inference step 615 and 662 ms with glibc's defaults, 327 and 417 ms with these settings; a
/// Res-Tuning adapter step 638–902 ms against 572–613 ms; peak resident memory within 8 % of the defaults'.</para>
/// <para>The settings: buffers of every size come from the heap (glibc maps none on its own: its largest mmap threshold,
/// <see cref="MmapThresholdBytes"/>, is below a BERT embedding matrix's 47 MiB gradient, which a full fine-tuning step
/// allocates, zeroes and frees every time), and the heap keeps up to <see cref="TrimThresholdBytes"/> of free memory at its
/// top. Measured with the text sample's full fine-tuning of MiniLM (batch 16) on the 2-core build machine (2026-12-07):
/// 396 ms a step with buffers above 32 MiB mapped on their own (a fifth of it in the page faults of the embedding
/// gradient's zeroing), 275 ms with none mapped; peak training memory 513 and 506 MiB. Memory the process no longer needs
/// stays mapped until it is reused or the process calls <c>malloc_trim</c> (a long-running server can trim on a timer, as
/// the serving sample does). Setting any of <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>,
/// <c>MALLOC_TOP_PAD_</c>, <c>MALLOC_MMAP_MAX_</c>, a <c>glibc.malloc</c> entry of <c>GLIBC_TUNABLES</c>, or
/// <c>RESTUNING_KEEP_FREED_MEMORY=0</c> leaves glibc as configured. Other C libraries (macOS, Windows, musl) are left alone.</para>
/// </remarks>
public static class NativeHeapPolicy
{
    /// <summary>Set to <c>0</c> to leave glibc's malloc at its defaults.</summary>
    public const string OptOutVariable = "RESTUNING_KEEP_FREED_MEMORY";

    /// <summary>
    /// glibc's largest mmap threshold (32 MiB): with the policy off, buffers above it are mapped on their own and unmapped when
    /// freed; with it on, glibc maps no buffer on its own, so this is also the mmap threshold it keeps should a mapping be
    /// needed after all (a worker thread's heap cannot grow past 64 MiB).
    /// </summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory the heap keeps at its top before returning any to the system (2 GiB, mallopt's largest).</summary>
    public const int TrimThresholdBytes = int.MaxValue;

    private const int MallocTrimThreshold = -1;   // M_TRIM_THRESHOLD
    private const int MallocMmapThreshold = -3;   // M_MMAP_THRESHOLD
    private const int MallocMmapMax = -4;         // M_MMAP_MAX

    private static readonly string[] MallocVariables = { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_" };

    /// <summary>
    /// Makes glibc keep freed memory for reuse (see the remarks) unless the environment configures malloc or opts out.
    /// Call it early: buffers allocated before keep the old placement, the next ones follow the new.
    /// </summary>
    /// <returns>True when the settings were applied by this call.</returns>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || EnvironmentConfiguresMalloc()) return false;
        try
        {
            // Setting either threshold ends glibc's dynamic adjustment of both, so both are set; no mapping of its own for any buffer.
            return mallopt(MallocMmapThreshold, MmapThresholdBytes) == 1 & mallopt(MallocTrimThreshold, TrimThresholdBytes) == 1
                & mallopt(MallocMmapMax, 0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>True when the environment sets one of glibc's malloc variables or opts out (see the remarks).</summary>
    public static bool EnvironmentConfiguresMalloc()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0") return true;
        if (MallocVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)))) return true;
        return Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true;
    }

    /// <summary>
    /// Hands every whole free page of glibc's heap back to the system (<c>malloc_trim(0)</c>): what <see cref="KeepFreedMemory"/>
    /// keeps for reuse. A long-running server can call it on a timer; a memory measurement calls it before reading its
    /// baseline, or the freed memory still held would count as in use before and be reused, unseen, after.
    /// </summary>
    /// <returns>False where there is no glibc to ask (other operating systems and C libraries).</returns>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            malloc_trim(UIntPtr.Zero);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(UIntPtr pad);
}
