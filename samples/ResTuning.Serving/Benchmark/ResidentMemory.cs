using System;
using System.Globalization;
using System.IO;

namespace ResTuning.Serving.Benchmark;

/// <summary>The process's resident memory, from <c>/proc/self/status</c> (Linux): the <c>VmRSS</c> line.</summary>
public static class ResidentMemory
{
    /// <summary>The resident set now in KiB, or null where <c>/proc/self/status</c> does not exist (not Linux).</summary>
    public static long? CurrentKiB() => File.Exists("/proc/self/status") ? Parse(File.ReadAllText("/proc/self/status")) : null;

    /// <summary>
    /// The resident set's parts now, from <c>/proc/self/status</c>: anonymous memory (heaps, stacks), file-backed pages
    /// (code of libtorch and the runtime as it is paged in) and the thread count; null where the file does not exist.
    /// </summary>
    public static (long AnonKiB, long FileKiB, long Threads)? CurrentParts()
    {
        if (!File.Exists("/proc/self/status")) return null;
        var status = File.ReadAllText("/proc/self/status");
        return (Parse(status, "RssAnon:") ?? 0, Parse(status, "RssFile:") ?? 0, Parse(status, "Threads:") ?? 0);
    }

    /// <summary>The <c>VmRSS</c> of a <c>/proc/[pid]/status</c> text in KiB, or null when it has none.</summary>
    public static long? Parse(string status) => Parse(status, "VmRSS:");

    private static long? Parse(string status, string key)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var fields = line[key.Length..].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return fields.Length >= 2 && fields[1] != "kB" ? null : value;
        }
        return null;
    }
}
