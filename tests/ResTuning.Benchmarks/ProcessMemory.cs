using System;
using System.IO;
using System.Linq;

namespace ResTuning.Benchmarks;

/// <summary>Resident-set figures of this process from /proc/self/status (Linux); 0 elsewhere.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) in bytes.</summary>
    public static long PeakResidentBytes() => Read("VmHWM:");

    /// <summary>Current resident set (VmRSS) in bytes.</summary>
    public static long ResidentBytes() => Read("VmRSS:");

    private static long Read(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return Environment.WorkingSet;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        if (line is null) return 0;
        var kb = long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kb * 1024;
    }
}
