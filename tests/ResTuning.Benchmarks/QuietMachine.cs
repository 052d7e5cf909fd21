using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace ResTuning.Benchmarks;

/// <summary>
/// Waits, before a method is timed, until other processes leave the cores alone. <c>dotnet run</c> builds first and its
/// own process then keeps about one core busy for the next ten seconds or so (measured 2026-12-07: 60–85 % of a core while
/// the benchmark ran); the first method timed then (the no-grad forward) came out at 317–357 ms against 182–213 ms with
/// <c>--no-build</c>. The wait ends when the machine's busy time, measured over half a second while this process sleeps,
/// is under a quarter of a core, or after <see cref="MaxWait"/> (then it says so and times anyway).
/// </summary>
internal static class QuietMachine
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private const double BusyCores = 0.25;

    /// <summary>Waits for a quiet machine (Linux only; elsewhere returns at once); messages go to standard error.</summary>
    public static void Wait(string before)
    {
        if (!File.Exists("/proc/stat")) return;
        var clock = Stopwatch.StartNew();
        double busy;
        while ((busy = BusyCoresOver(TimeSpan.FromMilliseconds(500))) >= BusyCores)
        {
            if (clock.Elapsed < MaxWait) continue;
            Console.Error.WriteLine(FormattableString.Invariant($"{before}: other processes still use {busy:F2} cores after {MaxWait.TotalSeconds:F0} s; timing anyway."));
            return;
        }
        if (clock.Elapsed > TimeSpan.FromSeconds(1))
            Console.Error.WriteLine(FormattableString.Invariant($"{before}: waited {clock.Elapsed.TotalSeconds:F1} s for other processes to leave the cores."));
    }

    private static double BusyCoresOver(TimeSpan window)
    {
        var (busy0, total0) = Read();
        Thread.Sleep(window);
        var (busy1, total1) = Read();
        var cores = Environment.ProcessorCount;
        return total1 > total0 ? cores * (double)(busy1 - busy0) / (total1 - total0) : 0;
    }

    // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...; idle and iowait are not busy.
    private static (long Busy, long Total) Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }
}
