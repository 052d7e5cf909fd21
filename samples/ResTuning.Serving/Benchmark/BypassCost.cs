using System;
using System.Diagnostics;
using System.Linq;
using ResTuning.Serving.Models;
using static TorchSharp.torch;

namespace ResTuning.Serving.Benchmark;

/// <summary>
/// c: one task's bypass (and head) time over one backbone pass's, measured in process on a batch (medians of repeated runs).
/// With it, one pass for n tasks costs (1 + n·c) backbone passes against n·(1 + c) for separate models.
/// </summary>
public static class BypassCost
{
    /// <summary>
    /// Median milliseconds of the backbone pass (to the last tap), of one task on its taps, their ratio c, and of the task
    /// model's own forward (its backbone pass and bypass: what one separate model costs, ≈ backbone + task).
    /// </summary>
    public static (double BackboneMs, double TaskMs, double C, double ModelMs) Measure(ServingBackbone backbone, TaskBypass task, int batch, int size, int repeats = 15)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(task);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = backbone.ToInput(rand(batch, 3, size, size) * 255f);
        var backboneMs = Median(repeats, () =>
        {
            var taps = backbone.Source.Collect(input, task.LastTap);
            foreach (var tap in taps) tap.Dispose();
        });
        var kept = backbone.Source.Collect(input, task.LastTap);
        var taskMs = Median(repeats, () => task.Run(kept).Dispose());
        foreach (var tap in kept) tap.Dispose();
        var modelMs = Median(repeats, () => task.forward(input).Dispose());
        return (backboneMs, taskMs, taskMs / backboneMs, modelMs);
    }

    private static double Median(int repeats, Action run)
    {
        for (var i = 0; i < 3; i++) run();
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times.Order().ElementAt(repeats / 2);
    }
}
