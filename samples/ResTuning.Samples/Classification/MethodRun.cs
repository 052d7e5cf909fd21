using System.IO;
using System.Text.Json;
using ResTuning.Samples.Data;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>Tunes the pretrained backbone on the downstream task with one method (runs in its own process).</summary>
public static class MethodRun
{
    /// <summary>Runs <paramref name="method"/> and writes its <see cref="MethodResult"/> as JSON to <paramref name="resultPath"/>.</summary>
    public static MethodResult Run(TuningMethod method, string backbonePath, SampleSettings settings, Device device, string resultPath)
    {
        manual_seed(settings.Seed);
        var (train, test) = DownstreamData(settings);
        var vit = Pretraining.LoadBackbone(backbonePath, settings.ImageSize, train.Classes);

        var (model, trainable) = TunedModel.Create(vit, method, device);
        var counts = ParameterCounts.Of(model);
        PeakMemory.ResetPeak();
        var baseline = PeakMemory.CurrentBytes();
        var learningRate = method == TuningMethod.Full ? 3e-4 : 2e-3;
        var (losses, accuracies, medianMs) = Trainer.Train(method.Name(), x => model.call(x), t => model.train(t), trainable,
            train, test, settings.Epochs, settings.Batch, learningRate, device, settings.Seed);

        SaveTuners(model, Path.Combine(settings.Output, $"tuners-{method.Name()}.safetensors"));
        var result = new MethodResult
        {
            Method = method.Name(),
            Accuracy = accuracies[^1],
            Trainable = counts.Trainable,
            Total = counts.Total,
            MsPerStep = medianMs,
            PeakBytes = PeakMemory.Bytes(),
            BaselineBytes = baseline,
            Losses = losses,
            EpochAccuracies = accuracies,
        };
        File.WriteAllText(resultPath, JsonSerializer.Serialize(result));
        return result;
    }

    /// <summary>For the generated DSL models: prints PEFT's summary line and writes the tuner-only checkpoint.</summary>
    private static void SaveTuners(nn.Module<Tensor, Tensor> model, string path)
    {
        switch (model)
        {
            case VitLoRA lora:
                lora.PrintTrainableParameters();
                lora.SaveTuners(path);
                break;
            case VitResTuning resTuning:
                resTuning.PrintTrainableParameters();
                resTuning.SaveTuners(path);
                break;
            default:
                return;
        }
        AnsiConsole.MarkupLine($"[grey]Tuners only (with the head): {Markup.Escape(path)} ({new FileInfo(path).Length / 1024} KiB)[/]");
    }

    /// <summary>The downstream train/test split: the user's image folder, or the synthetic downstream task.</summary>
    public static (LabeledImages Train, LabeledImages Test) DownstreamData(SampleSettings settings)
    {
        if (settings.DataFolder is not null)
        {
            var all = ImageFolderDataset.Load(settings.DataFolder, settings.ImageSize);
            var order = randperm(all.Count, generator: new Generator((ulong)settings.Seed));
            var testCount = System.Math.Max(1, all.Count / 5);
            LabeledImages Take(Tensor index) => all with { Images = all.Images.index_select(0, index), Labels = all.Labels.index_select(0, index) };
            return (Take(order.narrow(0, testCount, all.Count - testCount)), Take(order.narrow(0, 0, testCount)));
        }
        return (SyntheticShapes.Generate(ShapeTask.Downstream, settings.TrainExamples, settings.ImageSize, settings.Seed + 10),
                SyntheticShapes.Generate(ShapeTask.Downstream, settings.TestExamples, settings.ImageSize, settings.Seed + 11));
    }
}
