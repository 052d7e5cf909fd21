using System;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Logging;
using ResTuning.Bypass;
using static TorchSharp.torch;

namespace ResTuning.Serving.Models;

/// <summary>
/// What an empty task folder is given at start-up, so <c>dotnet run</c> serves something on a fresh clone:
/// <c>fashion-mnist</c> (the main job's trained bypass, <c>out/classify/tuners-bypass.safetensors</c>, when
/// <c>restuning-samples classify</c> has run here; otherwise a freshly initialised one) and <c>two-class-demo</c>
/// (freshly initialised). Fresh tasks answer, but their predictions mean nothing until trained.
/// </summary>
public static class DefaultTasks
{
    /// <summary>Where the main job writes its bypass's tuners (relative to the working directory).</summary>
    public const string MainJobCheckpoint = "out/classify/tuners-bypass.safetensors";

    /// <summary>Fashion-MNIST's classes, in label order.</summary>
    public static readonly string[] FashionMnistLabels =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    /// <summary>Writes the default tasks into <paramref name="folder"/> when it holds no checkpoint (creating it).</summary>
    public static void SeedIfEmpty(string folder, ServingBackbone backbone, ServingOptions options, ILogger logger)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*" + TaskFolderWatcher.Extension).Any()) return;
        Directory.CreateDirectory(folder);
        if (File.Exists(MainJobCheckpoint))
        {
            File.Copy(MainJobCheckpoint, Path.Combine(folder, "fashion-mnist" + TaskFolderWatcher.Extension));
            logger.LogInformation("Seeded task fashion-mnist from the main job's {Path}", MainJobCheckpoint);
        }
        else
        {
            WriteFresh(folder, "fashion-mnist", FashionMnistLabels.Length, backbone, options.Seed);
            logger.LogInformation("Seeded task fashion-mnist (freshly initialised: run the main job for trained tuners)");
        }
        File.WriteAllLines(Path.Combine(folder, "fashion-mnist" + TaskFolderWatcher.LabelsSuffix), FashionMnistLabels);
        WriteFresh(folder, "two-class-demo", 2, backbone, options.Seed + 1);
        File.WriteAllLines(Path.Combine(folder, "two-class-demo" + TaskFolderWatcher.LabelsSuffix), new[] { "no", "yes" });
    }

    /// <summary>Saves a freshly initialised task bypass with <paramref name="classes"/> classes as <c>{name}.safetensors</c> in <paramref name="folder"/>.</summary>
    public static string WriteFresh(string folder, string name, int classes, ServingBackbone backbone, int seed)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        TaskBypass model;
        lock (ServingBackbone.SeededDraws)
        {
            manual_seed(seed);
            model = new TaskBypass(backbone.Model, backbone.Source, new PooledHead(backbone.Model.FeatureDim, classes));
        }
        using var _ = model;
        var path = Path.Combine(folder, name + TaskFolderWatcher.Extension);
        model.SaveTuners(path);
        return path;
    }
}
