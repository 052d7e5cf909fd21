using System;
using System.Globalization;
using System.Text;

namespace ResTuning.Serving.Monitoring;

/// <summary>A Prometheus histogram: cumulative bucket counts, sum and count; thread-safe.</summary>
public sealed class Histogram
{
    private readonly double[] bounds;
    private readonly long[] counts;
    private double sum;
    private long count;

    /// <summary>Creates a histogram with these upper bounds (ascending; <c>+Inf</c> is added).</summary>
    public Histogram(params double[] bounds)
    {
        this.bounds = bounds;
        counts = new long[bounds.Length];
    }

    /// <summary>Observations so far.</summary>
    public long Count
    {
        get { lock (counts) return count; }
    }

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        lock (counts)
        {
            for (var i = 0; i < bounds.Length; i++)
                if (value <= bounds[i]) counts[i]++;
            sum += value;
            count++;
        }
    }

    /// <summary>Appends the <c>_bucket</c>, <c>_sum</c> and <c>_count</c> lines of <paramref name="name"/> with extra <paramref name="labels"/> (<c>task="x"</c> or empty).</summary>
    public void Write(StringBuilder text, string name, string labels)
    {
        var prefix = labels.Length == 0 ? "" : labels + ",";
        var brace = labels.Length == 0 ? "" : "{" + labels + "}";
        lock (counts)
        {
            for (var i = 0; i < bounds.Length; i++)
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{prefix}le=\"{bounds[i].ToString("R", CultureInfo.InvariantCulture)}\"}} {counts[i]}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{prefix}le=\"+Inf\"}} {count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{brace} {sum.ToString("R", CultureInfo.InvariantCulture)}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{brace} {count}\n");
        }
    }

    /// <summary>Latency buckets in seconds, 1 ms to 10 s.</summary>
    public static double[] LatencySeconds() => new[] { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

    /// <summary>Batch-size buckets, powers of two to 256.</summary>
    public static double[] BatchSizes() => new double[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
}
