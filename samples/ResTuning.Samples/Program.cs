using System;
using System.CommandLine;
using System.Linq;
using ResTuning.Samples.Classification;
using Spectre.Console;

namespace ResTuning.Samples;

/// <summary>Command line of the samples: <c>classify</c> (the main job).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        var epochs = PositiveOption("--epochs", "Downstream training epochs per method", 4);
        var pretrainEpochs = PositiveOption("--pretrain-epochs", "Pretraining epochs on the synthetic source task", 4);
        var batch = PositiveOption("--batch", "Mini-batch size", 64);
        var imageSize = PositiveOption("--image-size", "Image side in pixels (a multiple of the patch size 4)", 32);
        var trainExamples = PositiveOption("--train-examples", "Synthetic training examples per task", 2048);
        var testExamples = PositiveOption("--test-examples", "Synthetic test examples", 512);
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 7 };
        var device = new Option<string>("--device") { Description = "cpu or cuda (CUDA via TorchSharp-cuda or RESTUNING_LIBTORCH_DIR)", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var output = new Option<string>("--output", "-o") { Description = "Folder for checkpoints, results and plots", DefaultValueFactory = _ => "out/classify" };
        var method = new Option<string[]>("--method", "-m")
        {
            Description = "Methods to compare: " + string.Join(", ", TuningMethods.All.Select(m => m.Name())) + " (default: all)",
            AllowMultipleArgumentsPerToken = true,
        };
        method.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!TuningMethods.TryParse(value, out _))
                    result.AddError($"Unknown method '{value}'. Use one of: {string.Join(", ", TuningMethods.All.Select(m => m.Name()))}.");
        });
        var pretrained = new Option<string?>("--pretrained") { Description = "A pretrained ViT .safetensors (timm names) instead of pretraining here" };
        var data = new Option<string?>("--data") { Description = "An image folder root/<class>/<image> to tune on instead of the synthetic downstream task" };
        var childMethod = new Option<string?>("--child-method") { Hidden = true };
        var childResult = new Option<string?>("--child-result") { Hidden = true };

        var classify = new Command("classify", "Pretrain a small ViT, tune it with full fine-tuning, linear probe, LoRA, Res-Tuning and Res-Tuning-Bypass; print the comparison and write plots.")
        {
            method, epochs, pretrainEpochs, batch, device, output, imageSize, trainExamples, testExamples, seed, pretrained, data, childMethod, childResult,
        };
        classify.SetAction(parse =>
        {
            var settings = new SampleSettings
            {
                Epochs = parse.GetValue(epochs),
                PretrainEpochs = parse.GetValue(pretrainEpochs),
                Batch = parse.GetValue(batch),
                Device = parse.GetValue(device)!,
                Output = parse.GetValue(output)!,
                ImageSize = parse.GetValue(imageSize),
                TrainExamples = parse.GetValue(trainExamples),
                TestExamples = parse.GetValue(testExamples),
                Seed = parse.GetValue(seed),
                Pretrained = parse.GetValue(pretrained),
                DataFolder = parse.GetValue(data),
            };
            if (settings.ImageSize % 4 != 0)
                return Fail($"--image-size {settings.ImageSize} must be a multiple of the patch size 4.");
            try
            {
                var child = parse.GetValue(childMethod);
                if (child is not null)
                {
                    TuningMethods.TryParse(child, out var m);
                    MethodRun.Run(m, settings.Pretrained!, settings, SampleDevice.Resolve(settings.Device), parse.GetValue(childResult)!);
                    return 0;
                }
                var chosen = parse.GetValue(method) is { Length: > 0 } names
                    ? names.Select(n => { TuningMethods.TryParse(n, out var m); return m; }).Distinct().ToArray()
                    : TuningMethods.All;
                return ClassifyCommand.Run(settings, chosen);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.IO.IOException or Checkpoints.CheckpointException)
            {
                return Fail(e.Message);
            }
        });

        var root = new RootCommand("ResTuning.Dsl samples: parameter-efficient fine-tuning with Res-Tuning on TorchSharp.") { classify };
        return root.Parse(args).Invoke();
    }

    private static Option<int> PositiveOption(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0) r.AddError($"{name} must be a positive integer.");
        });
        return option;
    }

    private static int Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 2;
    }
}
