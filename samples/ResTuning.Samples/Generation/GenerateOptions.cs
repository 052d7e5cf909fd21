using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using ResTuning.Samples.CommandLine;

namespace ResTuning.Samples.Generation;

/// <summary>The command-line options of <c>generate</c>.</summary>
public sealed class GenerateOptions
{
    private static readonly string MethodNames = string.Join(", ", AdaptationMethods.All.Select(m => m.Name()));
    private static readonly GenerationSettings Defaults = new();

    private readonly Option<string[]> method = MethodOption();
    private readonly Option<int> epochs = CliOptions.Positive("--epochs", "Adaptation epochs on the target style", Defaults.Epochs, max: 1000);
    private readonly Option<int> pretrainEpochs = CliOptions.Positive("--pretrain-epochs", "Pretraining epochs on the source style", Defaults.PretrainEpochs, max: 1000);
    private readonly Option<int> batch = CliOptions.Positive("--batch", "Mini-batch size", Defaults.Batch, max: 65536);
    private readonly Option<string> device = CliOptions.Device();
    private readonly Option<string> output = CliOptions.Output(Defaults.Output);
    private readonly Option<int> imageSize = ImageSizeOption();
    private readonly Option<int> trainExamples = CliOptions.Positive("--train-examples", "Training images per style", Defaults.TrainExamples);
    private readonly Option<int> steps = StepsOption();
    private readonly Option<int> samples = CliOptions.Positive("--samples", "Images per row of the sample grid", Defaults.Samples, max: 64);
    private readonly Option<int> seed = CliOptions.Seed();
    private readonly Option<string?> pretrained = new("--pretrained") { Description = "A pretrained sample U-Net .safetensors instead of pretraining here" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { method, epochs, pretrainEpochs, batch, device, output, imageSize, trainExamples, steps, samples, seed, pretrained })
            command.Options.Add(option);
    }

    /// <summary>The settings and the methods (all when none is given, in table order) of a parsed command line.</summary>
    public (GenerationSettings Settings, IReadOnlyList<AdaptationMethod> Methods) Read(ParseResult parse)
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
        var methods = parse.GetValue(method) is { Length: > 0 } given
            ? given.Select(n => { AdaptationMethods.TryParse(n, out var m); return m; }).Distinct().ToArray()
            : AdaptationMethods.All;
        return (settings, methods);
    }

    private static Option<string[]> MethodOption()
    {
        var option = new Option<string[]>("--method", "-m") { Description = $"Adaptation methods: {MethodNames} (default: all)", AllowMultipleArgumentsPerToken = true };
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!AdaptationMethods.TryParse(value, out _))
                    result.AddError($"Unknown method '{value}'. Use one of: {MethodNames}.");
        });
        return option;
    }

    private static Option<int> ImageSizeOption()
    {
        var option = CliOptions.Positive("--image-size", "Image side in pixels (a multiple of 4: the U-Net halves it twice)", Defaults.ImageSize, max: 256);
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value > 0 && value % 4 != 0) r.AddError($"--image-size {value} must be a multiple of 4.");
        });
        return option;
    }

    private static Option<int> StepsOption()
    {
        var option = CliOptions.Positive("--steps", "Diffusion steps T (at least 2)", Defaults.Steps, max: 4000);
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() == 1) r.AddError("--steps must be at least 2.");
        });
        return option;
    }
}
