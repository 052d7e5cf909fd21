using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// The main job: pretrain (or load) a ViT, tune it on the downstream task with each method in its
/// own process (so each peak-memory figure is that method's alone), then print the comparison table
/// and write the loss/accuracy plots.
/// </summary>
public static class ClassifyCommand
{
    /// <summary>Runs the methods and reports; returns the process exit code.</summary>
    public static int Run(SampleSettings settings, IReadOnlyList<TuningMethod> methods)
    {
        Directory.CreateDirectory(settings.Output);
        var device = SampleDevice.Resolve(settings.Device);
        var backbone = Pretraining.EnsureBackbone(settings, device);

        var results = new List<MethodResult>();
        foreach (var method in methods)
        {
            AnsiConsole.MarkupLine($"[bold]Tuning[/] with [aqua]{method.Name()}[/] (own process, for an isolated peak-memory figure)");
            var resultPath = Path.Combine(settings.Output, $"result-{method.Name()}.json");
            File.Delete(resultPath);
            var exit = RunChild(method, backbone, settings, resultPath);
            if (exit != 0 || !File.Exists(resultPath))
            {
                AnsiConsole.MarkupLine($"[red]Method {method.Name()} failed (exit code {exit}).[/]");
                return exit == 0 ? 1 : exit;
            }
            results.Add(JsonSerializer.Deserialize<MethodResult>(File.ReadAllText(resultPath))!);
        }

        ResultsTable.Print(results);
        var lossPlot = Path.Combine(settings.Output, "loss.png");
        var accuracyPlot = Path.Combine(settings.Output, "accuracy.png");
        TrainingCurves.SaveLoss(lossPlot, results);
        TrainingCurves.SaveAccuracy(accuracyPlot, results);
        AnsiConsole.MarkupLine($"Plots: [link]{Markup.Escape(Path.GetFullPath(lossPlot))}[/], [link]{Markup.Escape(Path.GetFullPath(accuracyPlot))}[/]");
        return 0;
    }

    private static int RunChild(TuningMethod method, string backbone, SampleSettings settings, string resultPath)
    {
        var (file, prefix) = SelfInvocation();
        var args = new List<string>(prefix)
        {
            "classify", "--child-method", method.Name(), "--child-result", resultPath, "--pretrained", backbone,
            "--epochs", settings.Epochs.ToString(), "--batch", settings.Batch.ToString(), "--device", settings.Device,
            "--output", settings.Output, "--image-size", settings.ImageSize.ToString(), "--train-examples", settings.TrainExamples.ToString(),
            "--test-examples", settings.TestExamples.ToString(), "--seed", settings.Seed.ToString(),
        };
        if (settings.DataFolder is not null) args.AddRange(new[] { "--data", settings.DataFolder });
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>How to start this program again: the apphost, or <c>dotnet app.dll</c>.</summary>
    private static (string File, string[] Prefix) SelfInvocation()
    {
        var process = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, new[] { typeof(ClassifyCommand).Assembly.Location })
            : (process, Array.Empty<string>());
    }
}
