using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ResTuning.Samples.Data;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>A plain supervised training loop with a progress bar, step timing and per-epoch accuracy.</summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="trainable"/> parameters of <paramref name="model"/> with AdamW and a one-cycle schedule peaking at <paramref name="learningRate"/>.</summary>
    /// <returns>The losses per step, accuracies per epoch and the median step time.</returns>
    public static (List<double> Losses, List<double> Accuracies, double MedianMs) Train(
        string title, Func<Tensor, Tensor> model, Action<bool> setTraining, IReadOnlyList<TorchSharp.Modules.Parameter> trainable,
        LabeledImages train, LabeledImages test, int epochs, int batch, double learningRate, Device device, int seed)
    {
        var optimizer = optim.AdamW(trainable, learningRate, weight_decay: 0.01);
        var stepsTotal = Math.Max(1, epochs * (int)(train.Count / batch));
        // Warm-up then cosine decay (one cycle): a ViT trained from scratch without warm-up stalls at chance.
        var schedule = optim.lr_scheduler.OneCycleLR(optimizer, learningRate, stepsTotal, pct_start: 0.15);
        var losses = new List<double>();
        var accuracies = new List<double>();
        var stepMs = new List<double>();
        var stepsPerEpoch = (int)(train.Count / batch);

        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: epochs * stepsPerEpoch);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    setTraining(true);
                    foreach (var (images, labels) in train.Batches(batch, shuffle: true, seed: seed + epoch))
                    {
                        using var scope = NewDisposeScope();
                        var watch = Stopwatch.StartNew();
                        optimizer.zero_grad();
                        var loss = nn.functional.cross_entropy(model(images.to(device)), labels.to(device));
                        loss.backward();
                        optimizer.step();
                        schedule.step();
                        var value = loss.ToDouble();
                        stepMs.Add(watch.Elapsed.TotalMilliseconds);
                        losses.Add(value);
                        task.Description = $"{title} · epoch {epoch + 1}/{epochs} · loss {value:F3}";
                        task.Increment(1);
                    }
                    accuracies.Add(Evaluate(model, setTraining, test, batch, device));
                    task.Description = $"{title} · epoch {epoch + 1}/{epochs} · acc {100 * accuracies[^1]:F1} %";
                }
            });
        var ordered = stepMs.Skip(Math.Min(3, stepMs.Count - 1)).OrderBy(v => v).ToList();
        return (losses, accuracies, ordered[ordered.Count / 2]);
    }

    /// <summary>Top-1 accuracy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static double Evaluate(Func<Tensor, Tensor> model, Action<bool> setTraining, LabeledImages data, int batch, Device device)
    {
        setTraining(false);
        using var _ = no_grad();
        long correct = 0;
        foreach (var (images, labels) in data.Batches(batch, shuffle: false, seed: 0))
        {
            using var scope = NewDisposeScope();
            correct += model(images.to(device)).argmax(1).cpu().eq(labels).sum().ToInt64();
        }
        return correct / (double)data.Count;
    }
}
