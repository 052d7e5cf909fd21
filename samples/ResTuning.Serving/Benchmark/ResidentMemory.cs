using System;
using System.Globalization;
using System.IO;

namespace ResTuning.Serving.Benchmark;

/// <summary>The process's resident memory, from <c>/proc/self/status</c> (Linux): the <c>VmRSS</c> line.</summary>
public static class ResidentMemory
{
    /// <summary>The resident set now in KiB, or null where <c>/proc/self/status</c> does not exist (not Linux).</summary>
    public static long? CurrentKiB() => File.Exists("/proc/self/status") ? Parse(File.ReadAllText("/proc/self/status")) : null;

    /// <summary>The <c>VmRSS</c> of a <c>/proc/[pid]/status</c> text in KiB, or null when it has none.</summary>
    public static long? Parse(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var fields = line["VmRSS:".Length..].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                return fields.Length >= 2 && fields[1] != "kB" ? null : kib;
        }
        return null;
    }
}
