using System.IO;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Samples.Data;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

using ResTuning.Samples.Classification;

namespace ResTuning.Samples.MultiTask;

/// <summary>Pretrains the multitask sample's ViT on the synthetic source task (shapes), or loads a given checkpoint.</summary>
public static class ScenePretraining
{
    /// <summary>Returns the path of a pretrained backbone checkpoint, training one when needed.</summary>
    public static string EnsureBackbone(SampleSettings settings, Device device)
    {
        if (settings.Pretrained is not null)
        {
            if (!File.Exists(settings.Pretrained))
                throw new FileNotFoundException($"--pretrained '{settings.Pretrained}' does not exist.", settings.Pretrained);
            return settings.Pretrained;
        }

        var path = Path.Combine(settings.Output, "pretrained-scenes.safetensors");
        if (File.Exists(path))
        {
            AnsiConsole.MarkupLine($"[grey]Reusing the pretrained backbone {Markup.Escape(path)} (delete it to pretrain again).[/]");
            return path;
        }

        AnsiConsole.MarkupLine("[bold]Pretraining[/] the ViT on the synthetic source task (8 classes: shapes, solid or outlined).");
        manual_seed(settings.Seed);
        var train = SyntheticShapes.Generate(ShapeTask.Source, settings.TrainExamples, settings.ImageSize, settings.Seed);
        var test = SyntheticShapes.Generate(ShapeTask.Source, settings.TestExamples, settings.ImageSize, settings.Seed + 1);
        var vit = new VisionTransformer(SampleVit.ForScenes(settings.ImageSize, train.Classes));
        vit.to(device);
        var accuracies = Trainer.Train("pretrain", x => vit.call(x), t => vit.train(t), vit.parameters().ToList(),
            train, test, settings.PretrainEpochs, settings.Batch, 1e-3, device, settings.Seed).Accuracies;
        AnsiConsole.MarkupLine($"Source-task accuracy after pretraining: [bold]{100 * accuracies[^1]:F1} %[/]");
        SafeTensorsFile.Write(path, vit.state_dict());
        return path;
    }

    /// <summary>
    /// A sample ViT for <paramref name="classes"/> classes with the checkpoint's weights; the head is left new
    /// (the checkpoint's head belongs to the source task).
    /// </summary>
    public static VisionTransformer LoadBackbone(string path, int imageSize, int classes)
    {
        var vit = new VisionTransformer(SampleVit.ForScenes(imageSize, classes));
        var weights = SafeTensorsFile.Read(path).Where(kv => !kv.Key.StartsWith("head.", System.StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        StateDictLoader.Load(vit, weights, path, weights.Keys);
        return vit;
    }
}
