using ResTuning.Serving.Benchmark;

namespace ResTuning.Serving.Tests;

/// <summary>The soak benchmark's options, memory reading and verdict (the soak itself is a benchmark command, not run here).</summary>
public sealed class SoakTests
{
    [Fact]
    public void Options_default_to_the_issues_soak_and_parse_the_documented_flags()
    {
        var defaults = SoakOptions.Parse(Array.Empty<string>());
        Assert.Equal((10.0, 30.0, 32), (defaults.Minutes, defaults.SwapEverySeconds, defaults.Concurrency));
        var given = SoakOptions.Parse(new[] { "--minutes", "2", "--swap-every-seconds", "5", "--concurrency", "8" });
        Assert.Equal((2.0, 5.0, 8), (given.Minutes, given.SwapEverySeconds, given.Concurrency));
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(new[] { "--minute", "2" }));
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(new[] { "--concurrency", "0" }));
        // Growth is from the first window to the last: one minute is not enough.
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(new[] { "--minutes", "1" }));
    }

    [Fact]
    public void Resident_memory_is_read_from_the_VmRSS_line()
    {
        Assert.Equal(123456, ResidentMemory.Parse("Name:\tdotnet\nVmPeak:\t  999999 kB\nVmRSS:\t  123456 kB\nThreads:\t9\n"));
        Assert.Null(ResidentMemory.Parse("Name:\tdotnet\n"));
        if (!OperatingSystem.IsLinux()) return;
        Assert.InRange(ResidentMemory.CurrentKiB()!.Value, 1024, long.MaxValue);
        var parts = ResidentMemory.CurrentParts()!.Value;
        Assert.InRange(parts.Threads, 1, 10_000);
        Assert.InRange(parts.AnonKiB + parts.FileKiB, 1024, ResidentMemory.CurrentKiB()!.Value + 64 * 1024);
    }

    [Fact]
    public void The_verdict_needs_zero_failures_and_growth_under_five_percent()
    {
        SoakWindow W(int index, int failed, long rss) => new(index, 1000, failed, 400, 900, 2, rss);
        var flat = new[] { W(1, 0, 1_000_000), W(2, 0, 1_020_000), W(3, 0, 1_040_000) };
        Assert.Equal(4.0, SoakReport.GrowthPercent(flat), 6);
        Assert.True(SoakReport.Passes(flat, failedSwaps: 0));
        Assert.EndsWith("PASS (targets: zero failed requests, RSS growth < 5 %)", SoakReport.Summary(flat, 0));
        Assert.False(SoakReport.Passes(flat, failedSwaps: 1));
        Assert.False(SoakReport.Passes(new[] { W(1, 0, 1_000_000), W(2, 1, 1_000_000) }, 0));
        var leaking = new[] { W(1, 0, 1_000_000), W(2, 0, 1_060_000) };
        Assert.False(SoakReport.Passes(leaking, 0));
        Assert.Contains("+6.00 %", SoakReport.Summary(leaking, 0));
        Assert.Contains("FAIL", SoakReport.Summary(leaking, 0));
    }
}
