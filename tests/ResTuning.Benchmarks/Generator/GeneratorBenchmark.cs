using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ResTuning.Benchmarks.Generator;

/// <summary>
/// <c>generator</c>: times the ResTuning source generator over a <see cref="GeneratorWorkload"/> in this process
/// (after untimed warm-up rounds for the JIT) and prints the medians.
/// </summary>
internal static class GeneratorBenchmark
{
    /// <summary>Runs the benchmark and prints its result.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The exit code.</returns>
    public static int Run(GeneratorOptions options)
    {
        var result = Measure(new GeneratorWorkload(options.Classes), options.Runs, options.Warmup);
        Console.WriteLine(options.Json ? result.ToJson() : result.ToText());
        return 0;
    }

    /// <summary>Measures full runs and edit-loop reruns of the generator over <paramref name="workload"/>.</summary>
    /// <param name="workload">The compilation to generate for.</param>
    /// <param name="runs">Timed runs of each kind.</param>
    /// <param name="warmup">Untimed rounds first (JIT tiers).</param>
    /// <returns>The medians.</returns>
    /// <exception cref="InvalidOperationException">The generator did not produce one file per class.</exception>
    public static GeneratorBenchmarkResult Measure(GeneratorWorkload workload, int runs, int warmup)
    {
        // Each round times a full run (a fresh driver) and an edit-loop rerun (the warm driver, with its cached
        // state), interleaved so both see the same machine load. Both run on a new compilation (the unrelated file
        // edited, a distinct revision each time), so both pay the same compilation-side binding costs.
        var full = new List<double>();
        var edits = new List<double>();
        var warm = GeneratorWorkload.CreateDriver(trackSteps: false).RunGenerators(workload.Compilation);
        for (var round = 0; round < warmup + runs; round++)
        {
            var forFull = workload.WithUnrelatedEdit(2 * round);
            var stopwatch = Stopwatch.StartNew();
            var fresh = GeneratorWorkload.CreateDriver(trackSteps: false).RunGenerators(forFull);
            var fullMs = stopwatch.Elapsed.TotalMilliseconds;

            var generated = fresh.GetRunResult().GeneratedTrees.Length;
            if (generated != workload.Classes)
                throw new InvalidOperationException($"The generator produced {generated} files for {workload.Classes} annotated classes: the workload is broken (see GeneratorWorkloadTests).");

            var forEdit = workload.WithUnrelatedEdit(2 * round + 1);
            stopwatch.Restart();
            warm = warm.RunGenerators(forEdit);
            var editMs = stopwatch.Elapsed.TotalMilliseconds;

            if (round < warmup) continue;
            full.Add(fullMs);
            edits.Add(editMs);
        }

        // The analyzer (which reports every RT diagnostic) over the same compilation: a full pass, binding included.
        var analyzers = AnalyzerTiming.Run(workload.Compilation, runs);
        if (analyzers.Diagnostics != 0)
            throw new InvalidOperationException($"The analyzer reported {analyzers.Diagnostics} diagnostics on the workload: it is broken (see SnapshotInputTests).");
        return new GeneratorBenchmarkResult(workload.Classes, runs, Median(full), Median(edits), analyzers.WallMsPerClass);
    }

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
