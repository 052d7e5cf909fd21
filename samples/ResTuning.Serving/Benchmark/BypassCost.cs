using System;
using System.Diagnostics;
using System.Linq;
using ResTuning.Serving.Models;
using static TorchSharp.torch;

namespace ResTuning.Serving.Benchmark;

/// <summary>
/// c: one task's bypass (and head) time over one backbone pass's, measured in process on a batch. With it, one pass for
/// n tasks costs (1 + n·c) backbone passes against n·(1 + c) for separate models.
/// </summary>
public static class BypassCost
{
    /// <summary>
    /// Median milliseconds of the backbone pass (to the last tap) and of one task on its taps, and c, the median of their
    /// ratio within each pair of runs: the two alternate, so a machine whose load drifts (a shared one) affects both alike.
    /// </summary>
    public static (double BackboneMs, double TaskMs, double C) Measure(ServingBackbone backbone, TaskBypass task, int batch, int size, int pairs = 15)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(task);
        using var noGrad = no_grad();
        using var inputs = NewDisposeScope();
        var input = backbone.ToInput(rand(batch, 3, size, size) * 255f);
        var backboneMs = new double[pairs];
        var taskMs = new double[pairs];
        for (var i = -3; i < pairs; i++)
        {
            // A scope per run, as the worker has per batch: intermediates are freed and their memory reused.
            using var scope = NewDisposeScope();
            var start = Stopwatch.GetTimestamp();
            var taps = backbone.Source.Collect(input, task.LastTap);
            var middle = Stopwatch.GetTimestamp();
            task.Run(taps);
            if (i < 0) continue;
            backboneMs[i] = Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds;
            taskMs[i] = Stopwatch.GetElapsedTime(middle).TotalMilliseconds;
        }
        return (Median(backboneMs), Median(taskMs), Median(taskMs.Zip(backboneMs, (t, b) => t / b).ToArray()));
    }

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);
}
