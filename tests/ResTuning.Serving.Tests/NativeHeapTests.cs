using ResTuning.Serving.Benchmark;
using ResTuning.Serving.Monitoring;
using static TorchSharp.torch;

namespace ResTuning.Serving.Tests;

/// <summary>The native-heap reading and trim the server uses to keep its resident set flat (glibc on Linux only).</summary>
[Collection(ProcessHeapCollection.Name)]
public sealed class NativeHeapTests
{
    [Fact]
    public void The_in_use_reading_follows_a_tensor_of_known_size()
    {
        // The reading is the whole process's: tensors of earlier tests that the GC has not finalized yet would free their
        // native memory in the middle of it (a fresh-clone run read 28 KiB less than the tensor once), so finalize them first;
        // the class runs alone (see ProcessHeapCollection), and a runtime thread may still free a little: 1 MiB of slack below.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!OperatingSystem.IsLinux() || NativeHeap.Current() is not { } before) return;
        const long bytes = 64L << 20;
        using (var big = zeros(bytes / sizeof(float), dtype: ScalarType.Float32))
        {
            var held = NativeHeap.Current()!.Value;
            Assert.InRange(held.InUse - before.InUse, bytes - (1L << 20), bytes + (8L << 20));
        }
        Assert.InRange(NativeHeap.Current()!.Value.InUse - before.InUse, -(8L << 20), 8L << 20);
    }

    [Fact]
    public void A_trim_hands_freed_pages_held_between_live_tensors_back_to_the_kernel()
    {
        if (!OperatingSystem.IsLinux() || NativeHeap.Current() is null) return;
        // 24,000 tensors of 4 KiB (under glibc's mmap threshold, so they live in the heap); every 16th stays alive, so the
        // freed ones are holes the heap cannot give back from its top: about 88 MiB freed but resident.
        var tensors = Enumerable.Range(0, 24_000).Select(_ => ones(1024, dtype: ScalarType.Float32)).ToArray();
        var kept = new List<Tensor>();
        for (var i = 0; i < tensors.Length; i++)
        {
            if (i % 16 == 0) kept.Add(tensors[i]);
            else tensors[i].Dispose();
        }
        try
        {
            var freed = NativeHeap.Current()!.Value.FreeHeld;
            Assert.True(freed > 60L << 20, $"Expected the holes to be held by the heap; it holds {freed >> 20} MiB free.");
            var residentBefore = ResidentMemory.CurrentKiB()!.Value;
            Assert.True(ResTuning.Native.NativeHeapPolicy.Trim());
            var residentAfter = ResidentMemory.CurrentKiB()!.Value;
            Assert.True(residentBefore - residentAfter > 40 * 1024, $"The trim gave back only {(residentBefore - residentAfter) / 1024} MiB ({residentBefore / 1024} -> {residentAfter / 1024} MiB).");
        }
        finally
        {
            foreach (var t in kept) t.Dispose();
        }
    }

    [Fact]
    public void The_arena_cap_is_set_through_mallopt_unless_the_environment_sets_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeHeap.LimitArenas(0));
        if (!OperatingSystem.IsLinux() || NativeHeap.Current() is null) return;
        // glibc accepts the option (mallopt returns 1); MALLOC_ARENA_MAX in the environment wins and nothing is set here.
        Assert.Equal(Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null, NativeHeap.LimitArenas(NativeHeap.ServingArenas));
    }

    [Fact]
    public void The_trim_interval_is_an_option_checked_at_start_and_the_soak_can_switch_it_off()
    {
        Assert.Equal(10, new ServingOptions().TrimNativeHeapSeconds);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServingOptions { TrimNativeHeapSeconds = -1 }.Validate());
        Assert.Equal(0, SoakOptions.Parse(new[] { "--trim-native-heap-seconds", "0" }).TrimNativeHeapSeconds);
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(new[] { "--trim-native-heap-seconds", "-5" }));
    }
}
