using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.MultiTask;

/// <summary>Inference times of N tasks run two ways on the same batch.</summary>
/// <param name="SeparateMs">Median time of N separate full forwards: backbone + bypass per task.</param>
/// <param name="SharedMs">Median time of one backbone pass + N bypasses (a generated multi-task model's <c>ForwardAll</c>).</param>
/// <param name="SeparateMinMs">Fastest round of the separate forwards (least disturbed by other processes).</param>
/// <param name="SharedMinMs">Fastest round of the shared pass.</param>
public sealed record InferenceTiming(double SeparateMs, double SharedMs, double SeparateMinMs, double SharedMinMs)
{
    /// <summary>Shared time over separate time (medians).</summary>
    public double Ratio => SharedMs / SeparateMs;

    /// <summary>Shared time over separate time (fastest rounds).</summary>
    public double MinRatio => SharedMinMs / SeparateMinMs;

    /// <summary>
    /// Times both ways <paramref name="repeats"/> times each, interleaved (so load from other processes hits both
    /// alike), after two warm-up rounds, without autograd.
    /// </summary>
    public static InferenceTiming Measure(IReadOnlyList<nn.Module<Tensor, Tensor>> tasks, Func<Tensor, Tensor[]> shared, Tensor batch, int repeats, Device device)
    {
        var separate = new List<double>();
        var together = new List<double>();
        using var _ = inference_mode();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var progress = ctx.AddTask("timing inference", maxValue: repeats + 2);
                for (var r = 0; r < repeats + 2; r++)
                {
                    var s = Time(() => { foreach (var task in tasks) task.call(batch); }, device);
                    var t = Time(() => shared(batch), device);
                    if (r >= 2)
                    {
                        separate.Add(s);
                        together.Add(t);
                    }
                    progress.Increment(1);
                }
            });
        return new InferenceTiming(Median(separate), Median(together), separate.Min(), together.Min());
    }

    private static double Time(Action run, Device device)
    {
        using var scope = NewDisposeScope();
        var watch = Stopwatch.StartNew();
        run();
        if (device.type == DeviceType.CUDA) cuda.synchronize();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var ordered = values.OrderBy(v => v).ToList();
        return ordered.Count % 2 == 1 ? ordered[ordered.Count / 2] : (ordered[ordered.Count / 2 - 1] + ordered[ordered.Count / 2]) / 2;
    }
}
