using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>A pretrained backbone checkpoint and what is known of it.</summary>
/// <param name="Path">The <c>.safetensors</c> file (timm names).</param>
/// <param name="SourceAccuracy">Its accuracy on the source test split, when it was pretrained here.</param>
public sealed record PretrainedBackbone(string Path, double? SourceAccuracy);

/// <summary>
/// Pretrains the sample ViT on the source classes, or reuses the checkpoint of an earlier run with the same protocol,
/// or takes the user's checkpoint.
/// </summary>
public static class Pretraining
{
    /// <summary>File name of the cached checkpoint in the output folder; its record (protocol and source accuracy) sits beside it as JSON.</summary>
    public const string CheckpointName = "pretrained-source.safetensors";

    /// <summary>Returns the checkpoint to tune: <paramref name="userCheckpoint"/>, a cached one that fits, or a new one trained now.</summary>
    public static PretrainedBackbone Ensure(string output, string? userCheckpoint, TransferData data, TransferProtocol protocol, Device device)
    {
        if (userCheckpoint is not null)
        {
            if (!File.Exists(userCheckpoint))
                throw new FileNotFoundException($"--pretrained '{userCheckpoint}' does not exist.", userCheckpoint);
            return new PretrainedBackbone(userCheckpoint, null);
        }

        var path = System.IO.Path.Combine(output, CheckpointName);
        var recordPath = System.IO.Path.ChangeExtension(path, ".json");
        var fingerprint = Fingerprint(protocol);
        if (File.Exists(path) && File.Exists(recordPath))
        {
            var record = JsonSerializer.Deserialize<PretrainingRecord>(File.ReadAllText(recordPath));
            if (record is not null && record.Fingerprint == fingerprint)
            {
                AnsiConsole.MarkupLine($"[grey]Reusing the pretrained backbone {Markup.Escape(path)} (source accuracy {100 * record.SourceAccuracy:F1} %; delete it to pretrain again).[/]");
                return new PretrainedBackbone(path, record.SourceAccuracy);
            }
            AnsiConsole.MarkupLine("[grey]The cached pretrained backbone was made under another protocol: pretraining again.[/]");
        }
        if (data.Source is null)
            throw new InvalidOperationException("Tuning on an image folder needs a backbone: pass --pretrained, or run once without --data to pretrain on Fashion-MNIST.");

        var source = data.Source;
        AnsiConsole.MarkupLine($"[bold]Pretraining[/] the ViT on the source classes ({string.Join(", ", source.Train.ClassNames)}): " +
                               $"{source.Train.Count:N0} images, {protocol.PretrainEpochs} epochs.");
        manual_seed(protocol.SplitSeed);
        var vit = new VisionTransformer(SampleVit.ForFashionMnist(source.Train.Classes));
        vit.to(device);
        var curve = Trainer.Train("pretrain", x => vit.call(x), t => vit.train(t), vit.parameters().ToList(),
            source.Train, null, protocol.PretrainEpochs, protocol.PretrainBatch, protocol.PretrainLearningRate, device, protocol.SplitSeed, weightDecay: 0.05);
        var accuracy = Trainer.Evaluate(x => vit.call(x), t => vit.train(t), source.Test, 500, device);
        AnsiConsole.MarkupLine($"Source-task test accuracy after pretraining: [bold]{100 * accuracy:F1} %[/] ({source.Test.Count:N0} test images; median {curve.MedianMs:F0} ms/step)");
        SafeTensorsFile.Write(path, vit.state_dict(), VitCheckpoint.Metadata(vit.Config));
        AtomicFile.WriteText(recordPath, JsonSerializer.Serialize(new PretrainingRecord(fingerprint, accuracy)));
        return new PretrainedBackbone(path, accuracy);
    }

    /// <summary>
    /// A ViT shaped like the checkpoint (read off its tensors, see <see cref="VitCheckpoint"/>: the sample ViT or a timm
    /// ViT) with a new head for <paramref name="classes"/> classes, and its weights unless <paramref name="randomInit"/>
    /// (the from-scratch baseline: same shape, random weights). The checkpoint's head belongs to the source task.
    /// </summary>
    public static VisionTransformer LoadBackbone(string path, int classes, bool randomInit = false)
    {
        var weights = ReadBackboneWeights(path);
        try
        {
            var vit = new VisionTransformer(VitCheckpoint.InferConfig(weights, SafeTensorsFile.ReadHeader(path).Metadata, classes));
            if (!randomInit) StateDictLoader.Load(vit, weights, path, weights.Keys);
            return vit;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>The shape of the ViT in the checkpoint, with a head for <paramref name="classes"/> classes (no model is built).</summary>
    public static VitConfig ReadConfig(string path, int classes)
    {
        var weights = ReadBackboneWeights(path);
        try
        {
            return VitCheckpoint.InferConfig(weights, SafeTensorsFile.ReadHeader(path).Metadata, classes);
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    private static Dictionary<string, Tensor> ReadBackboneWeights(string path) =>
        SafeTensorsFile.Read(path).Where(kv => !kv.Key.StartsWith("head.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);

    // Everything the checkpoint depends on: a cached one made under other settings is not reused.
    private static string Fingerprint(TransferProtocol protocol) =>
        JsonSerializer.Serialize(new
        {
            vit = SampleVit.ForFashionMnist(protocol.SourceClasses.Count).ToString(),
            protocol.SourceClasses, protocol.SourceTrainLimit, protocol.PretrainEpochs, protocol.PretrainLearningRate, protocol.PretrainBatch, protocol.SplitSeed,
        });

    private sealed record PretrainingRecord(string Fingerprint, double SourceAccuracy);
}
