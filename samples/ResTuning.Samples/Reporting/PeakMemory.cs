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

    /// <summary>Formats bytes as MiB.</summary>
    public static string Format(long bytes) => $"{bytes / (1024.0 * 1024.0):F0} MiB";
}
