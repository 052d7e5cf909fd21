using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ResTuning.Samples.Data;
using ResTuning.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>What one training run produced.</summary>
/// <param name="Losses">Training loss per step.</param>
/// <param name="Accuracies">Accuracy on the evaluation split after each epoch (empty without one).</param>
/// <param name="MedianMs">Median milliseconds per training step (the first steps, which warm up libtorch, left out).</param>
/// <param name="SkippedSteps">Steps whose gradients were not finite and were skipped (no update).</param>
public sealed record TrainingCurve(List<double> Losses, List<double> Accuracies, double MedianMs, int SkippedSteps = 0);

/// <summary>A plain supervised training loop with a progress bar, step timing and per-epoch accuracy.</summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="trainable"/> parameters of <paramref name="model"/> with AdamW and a one-cycle schedule peaking at <paramref name="learningRate"/>.</summary>
    /// <param name="title">Progress-bar title.</param>
    /// <param name="model">Images to logits.</param>
    /// <param name="setTraining">Switches the model between training and evaluation mode.</param>
    /// <param name="trainable">The parameters the optimizer updates.</param>
    /// <param name="train">Training images.</param>
    /// <param name="evaluateOn">Images to measure accuracy on after every epoch; null for none.</param>
    /// <param name="epochs">Passes over <paramref name="train"/>.</param>
    /// <param name="batch">Mini-batch size.</param>
    /// <param name="learningRate">Peak learning rate.</param>
    /// <param name="device">Where the model is.</param>
    /// <param name="seed">Seeds the batch order.</param>
    /// <param name="weightDecay">AdamW's decoupled weight decay.</param>
    public static TrainingCurve Train(
        string title, Func<Tensor, Tensor> model, Action<bool> setTraining, IReadOnlyList<TorchSharp.Modules.Parameter> trainable,
        LabeledImages train, LabeledImages? evaluateOn, int epochs, int batch, double learningRate, Device device, int seed, double weightDecay = 0.01)
    {
        var optimizer = new LeanAdamW(trainable, learningRate, weightDecay: weightDecay);
        var stepsPerEpoch = Math.Max(1, (int)(train.Count / batch));
        // Warm-up then cosine decay (one cycle): a ViT trained from scratch without warm-up stalls at chance.
        var schedule = optim.lr_scheduler.OneCycleLR(optimizer, learningRate, epochs * stepsPerEpoch, pct_start: 0.15);
        var losses = new List<double>();
        var accuracies = new List<double>();
        var stepMs = new List<double>();
        var skipped = 0;

        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: epochs * stepsPerEpoch);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    setTraining(true);
                    foreach (var (images, labels) in train.Batches(Math.Min(batch, (int)train.Count), shuffle: true, seed: seed * 1000 + epoch))
                    {
                        using var scope = NewDisposeScope();
                        var watch = Stopwatch.StartNew();
                        optimizer.zero_grad();
                        var loss = nn.functional.cross_entropy(model(images.to(device)), labels.to(device));
                        loss.backward();
                        // A step with a non-finite gradient is skipped, as a mixed-precision gradient scaler does: libtorch's CPU
                        // convolution with < 16 output channels returns NaN input gradients now and then (the runtime's conv
                        // LoRA avoids that kernel, a user's own narrow convolution may not); one bad step must not poison the
                        // tuners for good.
                        if (AllFinite(trainable)) optimizer.step();
                        else skipped++;
                        schedule.step();
                        var value = loss.ToDouble();
                        stepMs.Add(watch.Elapsed.TotalMilliseconds);
                        losses.Add(value);
                        task.Description = $"{title} · epoch {epoch + 1}/{epochs} · loss {value:F3}";
                        task.Increment(1);
                    }
                    if (evaluateOn is null) continue;
                    accuracies.Add(Evaluate(model, setTraining, evaluateOn, 500, device));
                    task.Description = $"{title} · epoch {epoch + 1}/{epochs} · acc {100 * accuracies[^1]:F1} %";
                }
            });
        setTraining(false);
        var ordered = stepMs.Skip(Math.Min(3, stepMs.Count - 1)).OrderBy(v => v).ToList();
        if (skipped > 0)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(title)}: {skipped} of {stepMs.Count} steps skipped (non-finite gradients)[/]");
        return new TrainingCurve(losses, accuracies, ordered[ordered.Count / 2], skipped);
    }

    /// <summary>Whether every gradient of <paramref name="parameters"/> is finite (a step with a NaN or infinite one is skipped).</summary>
    public static bool AllFinite(IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        // A sum is NaN or infinite when any element is (or, in theory, when finite gradients overflow float's range, which
        // a step should not take either); one reduction per parameter, where abs().max() wrote a full-size temporary first.
        var sums = parameters.Where(p => p.grad is not null).Select(p => p.grad!.sum()).ToArray();
        return sums.Length == 0 || stack(sums).isfinite().all().ToBoolean();
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
