using System.Collections.Generic;
using System.Linq;

namespace ResTuning.Samples.Reporting;

/// <summary>Writes PNG plots of the training-loss and accuracy curves of every method.</summary>
public static class TrainingCurves
{
    /// <summary>Saves <c>loss.png</c>-style plots: one line per method.</summary>
    public static void SaveLoss(string path, IReadOnlyList<MethodResult> results)
    {
        var plot = new ScottPlot.Plot();
        foreach (var r in results)
        {
            var smoothed = Smooth(r.Losses, 10);
            var line = plot.Add.Scatter(Enumerable.Range(1, smoothed.Length).Select(i => (double)i).ToArray(), smoothed);
            line.LegendText = r.Method;
            line.MarkerSize = 0;
        }
        plot.Title("Training loss of the first final run (moving average of 10 steps)");
        plot.XLabel("step");
        plot.YLabel("cross-entropy");
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    /// <summary>Saves validation accuracy after each epoch at each method's chosen learning rate (from the sweep), one line per method.</summary>
    public static void SaveAccuracy(string path, IReadOnlyList<MethodResult> results)
    {
        var plot = new ScottPlot.Plot();
        foreach (var r in results)
        {
            var line = plot.Add.Scatter(Enumerable.Range(1, r.EpochAccuracies.Count).Select(i => (double)i).ToArray(), r.EpochAccuracies.Select(a => 100 * a).ToArray());
            line.LegendText = r.Method;
        }
        plot.Title("Validation accuracy during the sweep, at the chosen learning rate");
        plot.XLabel("epoch");
                plot.YLabel("accuracy (%)");
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    private static double[] Smooth(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (var i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / System.Math.Min(i + 1, window);
        }
        return result;
    }
}
