using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Checkpoints;
using ResTuning.Samples.CommandLine;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// The generative sample: pretrain a small DDPM U-Net on one synthetic style, adapt it to another with a
/// Res-Tuning-Bypass on its decoder (and with full fine-tuning for comparison), each in its own process; print losses,
/// trainable parameters and training memory, and write a PNG grid of samples before and after.
/// </summary>
public static class GenerateCommand
{
    /// <summary>The <c>generate</c> command.</summary>
    public static Command Create()
    {
        var names = string.Join(", ", AdaptationMethods.All.Select(m => m.Name()));
        var method = new Option<string[]>("--method", "-m") { Description = $"Adaptation methods: {names} (default: all)", AllowMultipleArgumentsPerToken = true };
        method.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!AdaptationMethods.TryParse(value, out _))
                    result.AddError($"Unknown method '{value}'. Use one of: {names}.");
        });
        var defaults = new GenerationSettings();
        var epochs = CliOptions.Positive("--epochs", "Adaptation epochs on the target style", defaults.Epochs, max: 1000);
        var pretrainEpochs = CliOptions.Positive("--pretrain-epochs", "Pretraining epochs on the source style", defaults.PretrainEpochs, max: 1000);
        var batch = CliOptions.Positive("--batch", "Mini-batch size", defaults.Batch, max: 65536);
        var device = CliOptions.Device();
        var output = CliOptions.Output(defaults.Output);
        var imageSize = CliOptions.Positive("--image-size", "Image side in pixels (a multiple of 4: the U-Net halves it twice)", defaults.ImageSize, max: 256);
        imageSize.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value > 0 && value % 4 != 0) r.AddError($"--image-size {value} must be a multiple of 4.");
        });
        var trainExamples = CliOptions.Positive("--train-examples", "Training images per style", defaults.TrainExamples);
        var steps = CliOptions.Positive("--steps", "Diffusion steps T (at least 2)", defaults.Steps, max: 4000);
        steps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() == 1) r.AddError("--steps must be at least 2.");
        });
        var samples = CliOptions.Positive("--samples", "Images per row of the sample grid", defaults.Samples, max: 64);
        var seed = CliOptions.Seed();
        var pretrained = new Option<string?>("--pretrained") { Description = "A pretrained sample U-Net .safetensors instead of pretraining here" };
        var childMethod = new Option<string?>("--child-method") { Hidden = true };
        var childResult = new Option<string?>("--child-result") { Hidden = true };

        var command = new Command("generate",
            "Pretrain a small DDPM U-Net on one synthetic style, adapt it to a new style with a Res-Tuning-Bypass on its decoder (and full fine-tuning to compare); print losses and memory, write a sample grid.")
        {
            method, epochs, pretrainEpochs, batch, device, output, imageSize, trainExamples, steps, samples, seed, pretrained, childMethod, childResult,
        };
        command.SetAction(parse => CliOptions.Guard(() =>
        {
            var settings = new GenerationSettings
            {
                Epochs = parse.GetValue(epochs),
                PretrainEpochs = parse.GetValue(pretrainEpochs),
                Batch = parse.GetValue(batch),
                Device = parse.GetValue(device)!,
                Output = parse.GetValue(output)!,
                ImageSize = parse.GetValue(imageSize),
                TrainExamples = parse.GetValue(trainExamples),
                Steps = parse.GetValue(steps),
                Samples = parse.GetValue(samples),
                Seed = parse.GetValue(seed),
                Pretrained = parse.GetValue(pretrained),
            };
            if (parse.GetValue(childMethod) is { } child)
            {
                AdaptationMethods.TryParse(child, out var m);
                AdaptationRun.Run(m, settings.Pretrained!, settings, SampleDevice.Resolve(settings.Device), parse.GetValue(childResult)!);
                return 0;
            }
            var chosen = parse.GetValue(method) is { Length: > 0 } given
                ? given.Select(n => { AdaptationMethods.TryParse(n, out var m); return m; }).Distinct().ToArray()
                : AdaptationMethods.All;
            return Run(settings, chosen);
        }));
        return command;
    }

    /// <summary>Pretrains (or loads) the U-Net, adapts it with each method in a child process and reports; returns the exit code.</summary>
    public static int Run(GenerationSettings settings, IReadOnlyList<AdaptationMethod> methods)
    {
        Directory.CreateDirectory(settings.Output);
        var device = SampleDevice.Resolve(settings.Device);
        var diffusion = new Diffusion(settings.Steps, device);
        var unetPath = UNetPretraining.EnsureUNet(settings, diffusion, device);

        // The pretrained model on the target style: the "before" of every method.
        var unet = UNetPretraining.Load(unetPath, device);
        unet.eval();
        var heldOut = ImageStyle.Target.Images(256, settings.ImageSize, settings.Seed + 11);
        var beforeLoss = DenoiserTrainer.Evaluate((x, t) => unet.call(x, t), diffusion, heldOut, settings.Batch, device, settings.Seed + 12);
        var before = ImageStyles.ToDisplay(diffusion.Sample((x, t) => unet.call(x, t), settings.Samples, settings.ImageSize, settings.Seed + 13, device, "sampling (pretrained)"));

        var results = new List<AdaptationResult>();
        foreach (var method in methods)
        {
            AnsiConsole.MarkupLine($"[bold]Adapting[/] to the target style (outlined shapes, cool colours) with [aqua]{method.Name()}[/] (own process, for an isolated memory figure)");
            var resultPath = Path.Combine(settings.Output, $"result-{method.Name()}.json");
            File.Delete(resultPath);
            var exit = ChildProcess.Run(ChildArguments(method, unetPath, settings, resultPath));
            if (exit != 0 || !File.Exists(resultPath))
            {
                AnsiConsole.MarkupLine($"[red]Method {method.Name()} failed (exit code {exit}).[/]");
                return exit == 0 ? 1 : exit;
            }
            results.Add(JsonSerializer.Deserialize<AdaptationResult>(File.ReadAllText(resultPath))!);
        }

        Print(results, beforeLoss);
        var rows = new List<Tensor>
        {
            ImageStyles.ToDisplay(ImageStyle.Source.Images(settings.Samples, settings.ImageSize, settings.Seed + 30)),
            ImageStyles.ToDisplay(ImageStyle.Target.Images(settings.Samples, settings.ImageSize, settings.Seed + 31)),
            before.cpu(),
        };
        rows.AddRange(results.Select(r => SafeTensorsFile.Read(r.SamplesPath)["samples"]));
        var grid = Path.Combine(settings.Output, "samples.png");
        SampleGrid.Save(grid, rows);
        AnsiConsole.MarkupLine($"Sample grid: [link]{Markup.Escape(Path.GetFullPath(grid))}[/]");
        AnsiConsole.MarkupLine($"[grey]Rows: source-style data, target-style data, pretrained model (before tuning), then after tuning with {string.Join(", ", results.Select(r => r.Method))}.[/]");
        return 0;
    }

    private static List<string> ChildArguments(AdaptationMethod method, string unetPath, GenerationSettings settings, string resultPath)
    {
        var inv = CultureInfo.InvariantCulture;
        return new List<string>
        {
            "generate", "--child-method", method.Name(), "--child-result", resultPath, "--pretrained", unetPath,
            "--epochs", settings.Epochs.ToString(inv), "--batch", settings.Batch.ToString(inv), "--device", settings.Device,
            "--output", settings.Output, "--image-size", settings.ImageSize.ToString(inv), "--train-examples", settings.TrainExamples.ToString(inv),
            "--steps", settings.Steps.ToString(inv), "--samples", settings.Samples.ToString(inv), "--seed", settings.Seed.ToString(inv),
        };
    }

    private static void Print(IReadOnlyList<AdaptationResult> results, double beforeLoss)
    {
        var inv = CultureInfo.InvariantCulture;
        var full = results.FirstOrDefault(r => r.Method == AdaptationMethod.Full.Name());
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Adapting the U-Net to the target style (one run)[/]");
        table.AddColumn("method");
        table.AddColumn(new TableColumn("held-out loss").RightAligned());
        table.AddColumn(new TableColumn("final train loss").RightAligned());
        table.AddColumn(new TableColumn("trainable").RightAligned());
        table.AddColumn(new TableColumn("trainable %").RightAligned());
        table.AddColumn(new TableColumn("ms/step").RightAligned());
        table.AddColumn(new TableColumn("training memory").RightAligned());
        table.AddColumn(new TableColumn("vs full").RightAligned());
        table.AddRow("pretrained (before)", beforeLoss.ToString("F4", inv), "-", "0", "0.00", "-", "-", "-");
        foreach (var r in results)
        {
            table.AddRow(r.Method, r.EvalLoss.ToString("F4", inv), r.Losses.TakeLast(20).Average().ToString("F4", inv),
                r.Trainable.ToString("N0", inv), (100.0 * r.Trainable / Math.Max(1, r.Total)).ToString("F2", inv),
                r.MsPerStep.ToString("F1", inv), PeakMemory.Format(r.TrainingBytes),
                full is null || full.TrainingBytes == 0 ? "-" : (r.TrainingBytes / (double)full.TrainingBytes).ToString("F2", inv) + "x");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]held-out loss: DDPM ε-prediction MSE on 256 target-style images with fixed timesteps and noise; final train loss: mean of the last 20 steps; " +
            "training memory: peak resident set during training minus the resident set just before it, each method in its own process.[/]");
    }
}
