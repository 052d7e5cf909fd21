using System.CommandLine;
using ResTuning.Samples.Classification;

namespace ResTuning.Samples.CommandLine;

/// <summary>The options of the commands that pretrain and tune the sample ViT (<c>classify</c>, <c>multitask</c>).</summary>
public sealed class VitOptions
{
    /// <summary>Creates the options with a command's defaults.</summary>
    public VitOptions(string defaultOutput, int defaultEpochs, int defaultTrainExamples)
    {
        Epochs = CliOptions.Positive("--epochs", "Downstream training epochs", defaultEpochs, max: 1000);
        TrainExamples = CliOptions.Positive("--train-examples", "Synthetic training examples per task", defaultTrainExamples);
        Output = CliOptions.Output(defaultOutput);
    }

    /// <summary><c>--epochs</c>.</summary>
    public Option<int> Epochs { get; }

    /// <summary><c>--pretrain-epochs</c>.</summary>
    public Option<int> PretrainEpochs { get; } = CliOptions.Positive("--pretrain-epochs", "Pretraining epochs on the synthetic source task", 8, max: 1000);

    /// <summary><c>--batch</c>.</summary>
    public Option<int> Batch { get; } = CliOptions.Positive("--batch", "Mini-batch size", 64, max: 65536);

    /// <summary><c>--device</c>.</summary>
    public Option<string> Device { get; } = CliOptions.Device();

    /// <summary><c>--output</c>.</summary>
    public Option<string> Output { get; }

    /// <summary><c>--image-size</c>, validated as a multiple of the patch size.</summary>
    public Option<int> ImageSize { get; } = PatchMultiple();

    /// <summary><c>--train-examples</c>.</summary>
    public Option<int> TrainExamples { get; }

    /// <summary><c>--test-examples</c>.</summary>
    public Option<int> TestExamples { get; } = CliOptions.Positive("--test-examples", "Synthetic test examples", 512);

    /// <summary><c>--seed</c>.</summary>
    public Option<int> Seed { get; } = CliOptions.Seed();

    /// <summary><c>--pretrained</c>.</summary>
    public Option<string?> Pretrained { get; } = new("--pretrained") { Description = "A pretrained sample ViT .safetensors (timm names) instead of pretraining here" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Epochs, PretrainEpochs, Batch, Device, Output, ImageSize, TrainExamples, TestExamples, Seed, Pretrained })
            command.Options.Add(option);
    }

    /// <summary>The settings parsed from <paramref name="parse"/>.</summary>
    public SampleSettings Read(ParseResult parse) => new()
    {
        Epochs = parse.GetValue(Epochs),
        PretrainEpochs = parse.GetValue(PretrainEpochs),
        Batch = parse.GetValue(Batch),
        Device = parse.GetValue(Device)!,
        Output = parse.GetValue(Output)!,
        ImageSize = parse.GetValue(ImageSize),
        TrainExamples = parse.GetValue(TrainExamples),
        TestExamples = parse.GetValue(TestExamples),
        Seed = parse.GetValue(Seed),
        Pretrained = parse.GetValue(Pretrained),
    };

    private static Option<int> PatchMultiple()
    {
        var option = CliOptions.Positive("--image-size", "Image side in pixels (a multiple of the patch size 4)", 32, max: 1024);
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value > 0 && value % SampleVit.ScenePatchSize != 0) r.AddError($"--image-size {value} must be a multiple of the patch size {SampleVit.ScenePatchSize}.");
        });
        return option;
    }
}
