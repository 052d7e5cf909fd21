using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Backbones;
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
    public static MethodResult Run(TuningMethod method, string backbonePath, TransferData data, TransferProtocol protocol, string output, Device device, string resultPath)
    {
        var classes = data.Labelled.Classes;
        long trainingBytes;
        using (var probe = Prepare(method, backbonePath, classes, seed: 0, device))
            trainingBytes = MemoryProbe.Measure(probe, data.Labelled, device);

        // The sweep: every learning rate of the grid, trained on the sweep split, scored on the validation split.
        var sweep = new List<SweepPoint>();
        foreach (var lr in method.LearningRates())
        {
            using var run = Prepare(method, backbonePath, classes, seed: 0, device);
            var curve = Trainer.Train($"{method.Name()} sweep lr {lr:G2}", run.Forward, run.SetTraining, run.Trainable,
                data.SweepTrain, data.Validation, protocol.Epochs, protocol.Batch, lr, device, seed: 0, protocol.WeightDecay);
            sweep.Add(new SweepPoint(lr, curve.Accuracies.TakeLast(ScoredEpochs).Average(), curve.Accuracies));
        }
        var chosen = sweep.OrderByDescending(p => p.ValidationAccuracy).ThenBy(p => p.LearningRate).First();
        AnsiConsole.MarkupLine($"[aqua]{method.Name()}[/]: learning rate [bold]{chosen.LearningRate:G2}[/] chosen on the validation split (" +
                               string.Join(", ", sweep.Select(p => $"{p.LearningRate:G2} → {100 * p.ValidationAccuracy:F1} %")) + ")");

        // The final runs: all labelled images, one run per seed, each tested once on the target test split.
        var accuracies = new List<double>();
        var stepMs = new List<double>();
        List<double>? losses = null;
        ParameterCounts counts = default;
        for (var seed = 1; seed <= protocol.Seeds; seed++)
        {
            using var run = Prepare(method, backbonePath, classes, seed, device);
            var curve = Trainer.Train($"{method.Name()} seed {seed}", run.Forward, run.SetTraining, run.Trainable,
                data.Labelled, null, protocol.Epochs, protocol.Batch, chosen.LearningRate, device, seed, protocol.WeightDecay);
            accuracies.Add(Trainer.Evaluate(run.Forward, run.SetTraining, data.Test, 500, device));
            stepMs.Add(curve.MedianMs);
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
            Losses = losses ?? new List<double>(),
            EpochAccuracies = chosen.EpochAccuracies,
        };
        AnsiConsole.MarkupLine($"[aqua]{method.Name()}[/]: test accuracy [bold]{100 * result.AccuracyMean:F1} ± {100 * result.AccuracyStd:F1} %[/] over {accuracies.Count} seeds");
        File.WriteAllText(resultPath, JsonSerializer.Serialize(result));
        return result;
    }

    private static TunedModel Prepare(TuningMethod method, string backbonePath, int classes, int seed, Device device)
    {
        manual_seed(seed);
        var vit = Pretraining.LoadBackbone(backbonePath, classes, randomInit: method == TuningMethod.Scratch);
        return TunedModel.Create(vit, method, device);
    }
}
