using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace ResTuning.Benchmarks;

/// <summary>Wall-clock timing and the median the benchmarks report (this machine is shared and noisy: medians, not means).</summary>
internal static class Timing
{
    /// <summary>Milliseconds <paramref name="action"/> took.</summary>
    public static double Milliseconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The median (the mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
