using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace ResTuning.Samples.Reporting;

/// <summary>Prints the comparison table of the tuning methods.</summary>
public static class ResultsTable
{
    /// <summary>Writes the table to the console; memory ratios are relative to full fine-tuning when it ran.</summary>
    public static void Print(IReadOnlyList<MethodResult> results, double? sourceAccuracy, int probeBatch)
    {
        var full = results.FirstOrDefault(r => r.Method == "full");
        var seeds = results.Select(r => r.SeedAccuracies.Count).DefaultIfEmpty(0).Max();
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Target task, test split: mean ± std over {seeds} seeds[/]");
        table.AddColumn("method");
        table.AddColumn(new TableColumn("test accuracy").RightAligned());
        table.AddColumn(new TableColumn("lr (val.)").RightAligned());
        table.AddColumn(new TableColumn("trainable").RightAligned());
        table.AddColumn(new TableColumn("trainable %").RightAligned());
        table.AddColumn(new TableColumn("ms/step").RightAligned());
        table.AddColumn(new TableColumn("training memory").RightAligned());
        table.AddColumn(new TableColumn("vs full").RightAligned());
        foreach (var r in results)
        {
            var method = r.TapCacheDType is null ? r.Method : $"{r.Method} ({r.TapCacheDType} tap cache)";
            table.AddRow(
                method,
                Percent(r.AccuracyMean) + " ± " + Percent(r.AccuracyStd) + " %",
                r.LearningRate.ToString("G2", CultureInfo.InvariantCulture),
                r.Trainable.ToString("N0", CultureInfo.InvariantCulture),
                (100.0 * r.Trainable / System.Math.Max(1, r.Total)).ToString("F2", CultureInfo.InvariantCulture),
                r.MsPerStep.ToString("F1", CultureInfo.InvariantCulture),
                PeakMemory.Format(r.TrainingBytes),
                full is null || full.TrainingBytes == 0 ? "-" : (r.TrainingBytes / (double)full.TrainingBytes).ToString("F2", CultureInfo.InvariantCulture) + "x");
        }
        AnsiConsole.Write(table);
        if (sourceAccuracy is { } source)
            AnsiConsole.MarkupLine($"Backbone: source-task test accuracy [bold]{Percent(source)} %[/] after pretraining.");
        AnsiConsole.MarkupLine("[grey]lr: the peak learning rate chosen on the validation split (never the test split). ms/step: median of the final runs. " +
                               $"training memory: peak resident set of 3 AdamW steps at batch {probeBatch} minus the resident set before them (gradients, optimizer state, activations), " +
                               "a tap cache is on disk and read a batch at a time (its batches count); each method ran in its own process.[/]");
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture);
}
