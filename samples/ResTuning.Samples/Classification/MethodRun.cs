using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Backbones;
using ResTuning.Caching;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// One method's part of the main job (in its own process, so its peak memory is its own): the learning-rate sweep on the
/// validation split, then the final runs on all labelled target images, one per seed, each tested on the target test split.
/// </summary>
public static class MethodRun
{
    /// <summary>Epochs at the end of a sweep run whose validation accuracies are averaged into its score (less noisy than the last alone).</summary>
    private const int ScoredEpochs = 3;

    /// <summary>Runs <paramref name="method"/> and writes its <see cref="MethodResult"/> as JSON to <paramref name="resultPath"/>.</summary>
    /// <param name="method">The method.</param>
    /// <param name="backbone">The pretrained backbone.</param>
    /// <param name="data">The splits.</param>
    /// <param name="protocol">Epochs, batch, seeds.</param>
    /// <param name="output">Folder for the tuner checkpoint.</param>
    /// <param name="device">Where to train.</param>
    /// <param name="resultPath">Where the result goes.</param>
    /// <param name="tapCache">Storage type of the tap cache of the methods that read a frozen backbone's taps (the bypass; the
    /// linear probe on a pretrained ResNet); null trains them live (the backbone runs every step).</param>
    /// <param name="dataDescription">What the splits are (data set, preprocessing): part of the tap cache's key; null for the
    /// Fashion-MNIST protocol's own description.</param>
    /// <param name="labelledOnce">Cache the labelled examples once (they are the sweep's training and validation splits; see
    /// <see cref="CachedTaps.Extract"/>) instead of twice.</param>
    public static MethodResult Run(TuningMethod method, IClassificationBackbone backbone, TransferData data, TransferProtocol protocol, string output, Device device, string resultPath,
        ScalarType? tapCache = null, string? dataDescription = null, bool labelledOnce = false)
    {
        dataDescription ??= protocol.Describe(global::ResTuning.Data.FashionMnist.ClassNames);
        using var cached = tapCache is { } dtype ? ExtractTaps(method, backbone, data, dataDescription, dtype, labelledOnce, device, output) : null;
        if (cached is not null) data = cached.Data;
        Func<Tensor, Tensor> ForwardOf(ITuningRun run) => cached is null ? run.Forward : cached.Forward(run.Taps!);

        // The tap cache is on disk and read a batch at a time, so the probe's batches are what it costs in memory (the
        // operating system's page cache is not the process's memory).
        long trainingBytes;
        using (var probe = backbone.Prepare(method, seed: 0, device))
            trainingBytes = MemoryProbe.Measure(probe, ForwardOf(probe), data.Labelled, backbone.MemoryProbeBatch, device);

        // The sweep: every learning rate of the grid, trained on each fold's training part and scored on its validation part
        // (one fold: the sweep split and the validation split); a rate's score is the mean over the folds.
        var folds = SweepFolds.Build(data, protocol.SweepFolds, protocol.ValidationPerClass);
        var sweep = new List<SweepPoint>();
        var skipped = 0;
        foreach (var lr in backbone.LearningRates(method))
        {
            var scores = new List<double>();
            var epochAccuracies = new double[protocol.Epochs];
            for (var f = 0; f < folds.Count; f++)
            {
                using var run = backbone.Prepare(method, seed: 0, device);
                var title = folds.Count == 1 ? $"{method.Name()} sweep lr {lr:G2}" : $"{method.Name()} sweep lr {lr:G2} fold {f + 1}/{folds.Count}";
                var curve = Trainer.Train(title, ForwardOf(run), run.SetTraining, run.Trainable,
                    folds[f].Train, folds[f].Validation, protocol.Epochs, protocol.Batch, lr, device, seed: 0, protocol.WeightDecay);
                scores.Add(curve.Accuracies.TakeLast(ScoredEpochs).Average());
                for (var e = 0; e < epochAccuracies.Length; e++) epochAccuracies[e] += curve.Accuracies[e] / folds.Count;
                skipped += curve.SkippedSteps;
            }
            sweep.Add(new SweepPoint(lr, scores.Average(), epochAccuracies.ToList()));
        }
        var chosen = sweep.OrderByDescending(p => p.ValidationAccuracy).ThenBy(p => p.LearningRate).First();
        var chosenBy = folds.Count == 1 ? "on the validation split" : $"by {folds.Count}-fold validation on the labelled examples";
        AnsiConsole.MarkupLine($"[aqua]{method.Name()}[/]: learning rate [bold]{chosen.LearningRate:G2}[/] chosen {chosenBy} (" +
                               string.Join(", ", sweep.Select(p => $"{p.LearningRate:G2} → {100 * p.ValidationAccuracy:F1} %")) + ")");

        // The final runs: all labelled images, one run per seed, each tested once on the target test split.
        var accuracies = new List<double>();
        var stepMs = new List<double>();
        List<double>? losses = null;
        ParameterCounts counts = default;
        for (var seed = 1; seed <= protocol.Seeds; seed++)
        {
            using var run = backbone.Prepare(method, seed, device);
            var curve = Trainer.Train($"{method.Name()} seed {seed}", ForwardOf(run), run.SetTraining, run.Trainable,
                data.Labelled, null, protocol.Epochs, protocol.Batch, chosen.LearningRate, device, seed, protocol.WeightDecay);
            accuracies.Add(Trainer.Evaluate(run.Forward, run.SetTraining, data.Test, protocol.EvaluationBatch, device));   // live: the test split is not cached
            stepMs.Add(curve.MedianMs);
            skipped += curve.SkippedSteps;
            losses ??= curve.Losses;
            if (seed == 1)
            {
                counts = run.Counts;
                run.SaveTuners(Path.Combine(output, $"tuners-{method.Name()}.safetensors"));
            }
        }

        var result = new MethodResult
        {
            Method = method.Name(),
            SeedAccuracies = accuracies,
            LearningRate = chosen.LearningRate,
            Sweep = sweep,
            Trainable = counts.Trainable,
            Total = counts.Total,
            MsPerStep = stepMs.OrderBy(v => v).ElementAt(stepMs.Count / 2),
            TrainingBytes = trainingBytes,
            TapCacheBytes = cached?.Bytes ?? 0,
            TapCacheDType = cached is null ? null : TapCacheKey.DTypeName(tapCache!.Value),
            Losses = losses ?? new List<double>(),
            EpochAccuracies = chosen.EpochAccuracies,
            SkippedSteps = skipped,
        };
        AnsiConsole.MarkupLine($"[aqua]{method.Name()}[/]: test accuracy [bold]{100 * result.AccuracyMean:F1} ± {100 * result.AccuracyStd:F1} %[/] over {accuracies.Count} seeds");
        AtomicFile.WriteText(resultPath, JsonSerializer.Serialize(result));
        return result;
    }

    // Null where the method does not read a frozen backbone's taps (its model has no tap reader).
    private static CachedTaps? ExtractTaps(TuningMethod method, IClassificationBackbone backbone, TransferData data, string dataDescription, ScalarType dtype, bool labelledOnce, Device device, string output)
    {
        using var extractor = backbone.Prepare(method, seed: 0, device);
        if (extractor.Taps is not { } reader) return null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var cached = CachedTaps.Extract(reader, data, dtype, $"{backbone.Name}; {dataDescription}; sweep, validation{(labelledOnce ? "" : ", labelled")}", labelledOnce,
            Path.Combine(output, "tap-cache", method.Name()));
        AnsiConsole.MarkupLine($"[grey]{method.Name()}: taps of the {cached.Data.SweepTrain.Count + cached.Data.Validation.Count + (labelledOnce ? 0 : cached.Data.Labelled.Count):N0} training and validation examples cached " +
                               $"({TapCacheKey.DTypeName(dtype)}, {cached.Bytes / (1024.0 * 1024.0):F1} MiB on disk, read a batch at a time) in {watch.Elapsed.TotalSeconds:F1} s: the backbone does not run again in training[/]");
        return cached;
    }
}
