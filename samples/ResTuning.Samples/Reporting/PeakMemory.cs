using System;
using System.IO;
using System.Linq;

namespace ResTuning.Samples.Reporting;

/// <summary>Peak resident memory of this process (Linux <c>VmHWM</c>), the figure each method's child process reports.</summary>
public static class PeakMemory
{
    /// <summary>Peak resident set in bytes, or the current working set where <c>/proc</c> is not available.</summary>
    public static long Bytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb))
                return kb * 1024;
        }
        return Environment.WorkingSet;
    }

    /// <summary>Current resident set in bytes (<c>VmRSS</c>).</summary>
    public static long CurrentBytes()
    {
        const string status = "/proc/self/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
        return line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kb) ? kb * 1024 : Environment.WorkingSet;
    }

    /// <summary>
    /// Resets the kernel's peak-RSS mark (writes 5 to <c>/proc/self/clear_refs</c>), so the next
    /// <see cref="Bytes"/> reports the peak of what follows, not of data generation before it.
    /// </summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux or not permitted: the peak then also covers the setup before training.
        }
    }

    /// <summary>Formats bytes as MiB.</summary>
    public static string Format(long bytes) => $"{bytes / (1024.0 * 1024.0):F0} MiB";
}
