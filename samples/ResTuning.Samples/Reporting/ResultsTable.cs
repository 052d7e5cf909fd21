using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace ResTuning.Samples.Reporting;

/// <summary>Prints the comparison table of the tuning methods.</summary>
public static class ResultsTable
{
    /// <summary>Writes the table to the console; ratios are relative to full fine-tuning when present.</summary>
    public static void Print(IReadOnlyList<MethodResult> results)
    {
        var full = results.FirstOrDefault(r => r.Method == "full");
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Downstream task: methods side by side (one run)[/]");
        table.AddColumn("method");
        table.AddColumn(new TableColumn("accuracy").RightAligned());
        table.AddColumn(new TableColumn("trainable").RightAligned());
        table.AddColumn(new TableColumn("trainable %").RightAligned());
        table.AddColumn(new TableColumn("ms/step (median)").RightAligned());
        table.AddColumn(new TableColumn("peak RSS").RightAligned());
        table.AddColumn(new TableColumn("training memory").RightAligned());
        table.AddColumn(new TableColumn("vs full").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(
                r.Method,
                (100 * r.Accuracy).ToString("F1", CultureInfo.InvariantCulture) + " %",
                r.Trainable.ToString("N0", CultureInfo.InvariantCulture),
                (100.0 * r.Trainable / System.Math.Max(1, r.Total)).ToString("F2", CultureInfo.InvariantCulture),
                r.MsPerStep.ToString("F1", CultureInfo.InvariantCulture),
                PeakMemory.Format(r.PeakBytes),
                PeakMemory.Format(r.TrainingBytes),
                full is null || full.TrainingBytes == 0 ? "-" : (r.TrainingBytes / (double)full.TrainingBytes).ToString("F2", CultureInfo.InvariantCulture) + "x");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]training memory = peak resident set during training minus the resident set just before it (model, data, libtorch); each method ran in its own process.[/]");
    }
}
