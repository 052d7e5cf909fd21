using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Samples.CommandLine;
using ResTuning.Samples.Reporting;
using Spectre.Console;

namespace ResTuning.Samples.Classification;

/// <summary>
/// The main job: pretrain (or load) a ViT, tune it on the downstream task with each method in its
/// own process (so each peak-memory figure is that method's alone), then print the comparison table
/// and write the loss/accuracy plots.
/// </summary>
public static class ClassifyCommand
{
    /// <summary>The <c>classify</c> command.</summary>
    public static Command Create()
    {
        var options = new VitOptions("out/classify", defaultEpochs: 4, defaultTrainExamples: 2048);
        var names = string.Join(", ", TuningMethods.All.Select(m => m.Name()));
        var method = new Option<string[]>("--method", "-m") { Description = $"Methods to compare: {names} (default: all)", AllowMultipleArgumentsPerToken = true };
        method.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!TuningMethods.TryParse(value, out _))
                    result.AddError($"Unknown method '{value}'. Use one of: {names}.");
        });
        var data = new Option<string?>("--data") { Description = "An image folder root/<class>/<image> to tune on instead of the synthetic downstream task" };
        var childMethod = new Option<string?>("--child-method") { Hidden = true };
        var childResult = new Option<string?>("--child-result") { Hidden = true };

        var command = new Command("classify", "Pretrain a small ViT, tune it with full fine-tuning, linear probe, LoRA, Res-Tuning and Res-Tuning-Bypass; print the comparison and write plots.")
        {
            method, data, childMethod, childResult,
        };
        options.AddTo(command);
        command.SetAction(parse => CliOptions.Guard(() =>
        {
            var settings = options.Read(parse) with { DataFolder = parse.GetValue(data) };
            if (parse.GetValue(childMethod) is { } child)
            {
                TuningMethods.TryParse(child, out var m);
                MethodRun.Run(m, settings.Pretrained!, settings, SampleDevice.Resolve(settings.Device), parse.GetValue(childResult)!);
                return 0;
            }
            var chosen = parse.GetValue(method) is { Length: > 0 } given
                ? given.Select(n => { TuningMethods.TryParse(n, out var m); return m; }).Distinct().ToArray()
                : TuningMethods.All;
            return Run(settings, chosen);
        }));
        return command;
    }

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
        var args = new List<string>
        {
            "classify", "--child-method", method.Name(), "--child-result", resultPath, "--pretrained", backbone,
            "--epochs", settings.Epochs.ToString(), "--batch", settings.Batch.ToString(), "--device", settings.Device,
            "--output", settings.Output, "--image-size", settings.ImageSize.ToString(), "--train-examples", settings.TrainExamples.ToString(),
            "--test-examples", settings.TestExamples.ToString(), "--seed", settings.Seed.ToString(),
        };
        if (settings.DataFolder is not null) args.AddRange(new[] { "--data", settings.DataFolder });
        return ChildProcess.Run(args);
    }
}
