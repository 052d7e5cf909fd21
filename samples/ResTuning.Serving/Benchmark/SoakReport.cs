using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ResTuning.Serving.Benchmark;

/// <summary>One reported window (a minute) of the soak.</summary>
/// <param name="Index">1 for the first window.</param>
/// <param name="Requests">Answers completed in it (200 or not).</param>
/// <param name="Failed">Of those, answers other than 200 and requests that failed outright.</param>
/// <param name="P50Ms">Median latency of its successful answers.</param>
/// <param name="P99Ms">99th-percentile latency of its successful answers.</param>
/// <param name="Swaps">Hot swaps done in it.</param>
/// <param name="RssKiB">Resident memory at its end.</param>
public sealed record SoakWindow(int Index, int Requests, int Failed, double P50Ms, double P99Ms, int Swaps, long RssKiB)
{
    /// <summary>The window as one line of the report.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"minute {Index,2}: {Requests,6} requests, {Failed} failed, p50 {P50Ms:F0} ms, p99 {P99Ms:F0} ms, {Swaps} swap(s), RSS {RssKiB / 1024.0:F1} MiB");
}

/// <summary>The soak's verdict against issue 24's targets: zero failed requests or swaps, resident memory growing less than 5 % from the first window to the last.</summary>
public static class SoakReport
{
    /// <summary>Most growth of resident memory allowed from the first window to the last, in percent.</summary>
    public const double MaxGrowthPercent = 5;

    /// <summary>Resident memory growth from the first window to the last, in percent of the first.</summary>
    public static double GrowthPercent(IReadOnlyList<SoakWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count < 2) throw new ArgumentException("Growth needs at least two windows.", nameof(windows));
        return 100.0 * (windows[^1].RssKiB - windows[0].RssKiB) / windows[0].RssKiB;
    }

    /// <summary>True when no request and no swap failed and memory grew less than <see cref="MaxGrowthPercent"/>.</summary>
    public static bool Passes(IReadOnlyList<SoakWindow> windows, int failedSwaps) =>
        failedSwaps == 0 && windows.All(w => w.Failed == 0) && GrowthPercent(windows) < MaxGrowthPercent;

    /// <summary>The closing lines: totals, growth and PASS/FAIL.</summary>
    public static string Summary(IReadOnlyList<SoakWindow> windows, int failedSwaps)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var failed = windows.Sum(w => w.Failed);
        var growth = GrowthPercent(windows);
        return string.Create(CultureInfo.InvariantCulture,
            $"{windows.Sum(w => w.Requests)} requests, {failed} failed; {windows.Sum(w => w.Swaps)} swaps, {failedSwaps} failed; " +
            $"RSS {windows[0].RssKiB / 1024.0:F1} MiB (minute 1) -> {windows[^1].RssKiB / 1024.0:F1} MiB (minute {windows[^1].Index}): {growth:+0.00;-0.00} %\n" +
            $"{(Passes(windows, failedSwaps) ? "PASS" : "FAIL")} (targets: zero failed requests, RSS growth < {MaxGrowthPercent} %)");
    }
}
