using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using ResTuning.Samples.Classification.ImageNet;
using ResTuning.Samples.CommandLine;
using ResTuning.Samples.Data;
using ResTuning.Samples.Reporting;
using Spectre.Console;

namespace ResTuning.Samples.Classification;

/// <summary>
/// The main job: transfer learning on real images (<see cref="TransferProtocol"/>). By default it tunes ML.NET's ImageNet
/// ResNet-18 on Fashion-MNIST; with <c>--backbone vit</c> it pretrains (or reuses) a small ViT on five Fashion-MNIST classes
/// and tunes it on the five others. Each method runs in its own process (so each memory figure is that method's alone);
/// the job prints the comparison and writes the plots and <c>results.json</c>.
/// </summary>
public static class ClassifyCommand
{
    /// <summary>The <c>classify</c> command.</summary>
    public static Command Create()
    {
        var options = new ClassifyOptions();
        var childMethod = new Option<string?>("--child-method") { Hidden = true };
        var childResult = new Option<string?>("--child-result") { Hidden = true };
        var childBackbone = new Option<string?>("--child-backbone") { Hidden = true };
        var command = new Command("classify",
            "Transfer learning on Fashion-MNIST: tune ML.NET's ImageNet ResNet-18 (or, with --backbone vit, a small ViT pretrained here) with scratch, full fine-tuning, " +
            "linear probe, LoRA, Res-Tuning and Res-Tuning-Bypass (learning rates from a validation sweep, mean ± std over seeds); print the comparison and write plots and results.json.")
        {
            childMethod, childResult, childBackbone,
        };
        options.AddTo(command);
        command.SetAction(parse => CliOptions.Guard(() =>
        {
            var settings = options.Read(parse);
            if (parse.GetValue(childMethod) is { } child)
            {
                TuningMethods.TryParse(child, out var method);
                var checkpoint = parse.GetValue(childBackbone);
                var data = LoadData(settings, checkpoint);
                using var backbone = OpenBackbone(settings, checkpoint, data);
                MethodRun.Run(method, backbone, data, settings.Protocol, settings.Output, SampleDevice.Resolve(settings.Device), parse.GetValue(childResult)!, settings.TapCacheDType);
                return 0;
            }
            return Run(settings);
        }));
        return command;
    }

    /// <summary>Runs the job and reports; returns the process exit code.</summary>
    public static int Run(ClassifySettings settings)
    {
        var wall = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.Output);
        var device = SampleDevice.Resolve(settings.Device);
        var data = LoadData(settings, settings.Pretrained);
        if (!settings.UsesResNet && data.Source is null && settings.Pretrained is null)
            // The user's images are the target; the backbone still learns the Fashion-MNIST source classes first.
            data = data with { Source = TransferData.FromFashionMnist(FashionMnistFolder.Ensure(settings.FashionMnistFolder), settings.Protocol).Source };
        var protocol = settings.DataFolder is null
            ? settings.Protocol.Describe(global::ResTuning.Data.FashionMnist.ClassNames)
            : $"tune on the image folder {settings.DataFolder} ({data.Labelled.Classes} classes; a fifth of each class is the test split) with up to {settings.Protocol.LabelledPerClass} labelled images per class";
        AnsiConsole.MarkupLine($"[bold]Backbone[/]: {(settings.UsesResNet ? "ML.NET's ImageNet ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, ONNX), a new head for the target classes" : "the sample ViT, pretrained here on the source classes")}.");
        AnsiConsole.MarkupLine($"[bold]Protocol[/]: {Markup.Escape(protocol)}.");
        var checkpoint = settings.UsesResNet ? null : Pretraining.Ensure(settings.Output, settings.Pretrained, data, settings.Protocol, device);

        var results = new List<MethodResult>();
        foreach (var method in settings.Methods)
        {
            AnsiConsole.MarkupLine($"[bold]Tuning[/] with [aqua]{method.Name()}[/] (own process, for an isolated memory figure)");
            var resultPath = Path.Combine(settings.Output, $"result-{method.Name()}.json");
            File.Delete(resultPath);
            var args = new List<string> { "classify", "--child-method", method.Name(), "--child-result", resultPath };
            if (checkpoint is not null) args.AddRange(new[] { "--child-backbone", checkpoint.Path });
            args.AddRange(ClassifyOptions.ToArguments(settings));
            var exit = ChildProcess.Run(args);
            if (exit != 0 || !File.Exists(resultPath))
            {
                AnsiConsole.MarkupLine($"[red]Method {method.Name()} failed (exit code {exit}).[/]");
                return exit == 0 ? 1 : exit;
            }
            results.Add(JsonSerializer.Deserialize<MethodResult>(File.ReadAllText(resultPath))!);
        }

        var backboneName = settings.UsesResNet ? ImageNetBackbone.BackboneName : VitBackbone.BackboneName;
        var probeBatch = settings.UsesResNet ? ImageNetBackbone.ProbeBatch : VitBackbone.ProbeBatch;
        ResultsTable.Print(results, checkpoint?.SourceAccuracy, probeBatch);
        var lossPlot = Path.Combine(settings.Output, "loss.png");
        var accuracyPlot = Path.Combine(settings.Output, "accuracy.png");
        TrainingCurves.SaveLoss(lossPlot, results);
        TrainingCurves.SaveAccuracy(accuracyPlot, results);
        var report = Path.Combine(settings.Output, "results.json");
        TransferReport.Write(report, settings.DataFolder is null ? "fashion-mnist" : settings.DataFolder, backboneName, protocol, checkpoint?.SourceAccuracy,
            wall.Elapsed.TotalSeconds, results);
        AnsiConsole.MarkupLine($"Results: [link]{Markup.Escape(Path.GetFullPath(report))}[/]; plots: [link]{Markup.Escape(Path.GetFullPath(lossPlot))}[/], " +
                               $"[link]{Markup.Escape(Path.GetFullPath(accuracyPlot))}[/] ({wall.Elapsed.TotalMinutes:F1} min in all)");
        return 0;
    }

    // With --adapt-batch-norm the ResNet's statistics come from the sweep's training images: never the validation or test split.
    private static IClassificationBackbone OpenBackbone(ClassifySettings settings, string? checkpoint, TransferData data) => settings.UsesResNet
        ? new ImageNetBackbone(data.Labelled.Classes, settings.Protocol.ImageSize, settings.Protocol.AdaptBatchNorm ? data.SweepTrain.Images : null)
        : new VitBackbone(checkpoint!, data.Labelled.Classes);

    // A user's image folder is read at the backbone's input size and channel count (28-px grayscale for the sample ViT,
    // RGB at the protocol's size in [0, 1] for the ResNet, which brings its own preprocessing).
    private static TransferData LoadData(ClassifySettings settings, string? checkpoint)
    {
        if (settings.DataFolder is null)
            return TransferData.FromFashionMnist(FashionMnistFolder.Ensure(settings.FashionMnistFolder), settings.Protocol, normalise: !settings.UsesResNet);
        if (settings.UsesResNet)
            return TransferData.FromImageFolder(settings.DataFolder, settings.Protocol, settings.Protocol.ImageSize, channels: 3, normalise: false);
        var config = checkpoint is null ? SampleVit.ForFashionMnist(1) : Pretraining.ReadConfig(checkpoint, 1);
        return TransferData.FromImageFolder(settings.DataFolder, settings.Protocol, config.ImageSize, config.InChannels);
    }
}
