using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using ResTuning.Training;
using Spectre.Console;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>Trains a noise predictor with AdamW on the DDPM loss, with a progress bar and step timing.</summary>
public static class DenoiserTrainer
{
    /// <summary>Trains <paramref name="trainable"/> for <paramref name="epochs"/> passes over <paramref name="images"/>.</summary>
    /// <returns>The loss per step and the median step time in ms.</returns>
    public static (List<double> Losses, double MedianMs) Train(string title, Func<Tensor, Tensor, Tensor> predictNoise, IReadOnlyList<Parameter> trainable,
        Diffusion diffusion, Tensor images, int epochs, int batch, double learningRate, Device device, int seed)
    {
        var optimizer = new LeanAdamW(trainable, learningRate);
        var losses = new List<double>();
        var stepMs = new List<double>();
        var count = images.shape[0];
        var stepsPerEpoch = (int)Math.Max(1, count / batch);
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: epochs * stepsPerEpoch);
                for (var epoch = 0; epoch < epochs; epoch++)
                {
                    var order = randperm(count, generator: new Generator((ulong)(seed + epoch)));
                    for (var step = 0; step < stepsPerEpoch; step++)
                    {
                        using var scope = NewDisposeScope();
                        var watch = Stopwatch.StartNew();
                        var clean = images.index_select(0, order.narrow(0, step * batch, Math.Min(batch, count))).to(device);
                        optimizer.zero_grad();
                        var loss = diffusion.Loss(predictNoise, clean);
                        loss.backward();
                        optimizer.step();
                        var value = loss.ToDouble();
                        stepMs.Add(watch.Elapsed.TotalMilliseconds);
                        losses.Add(value);
                        task.Description = $"{title} · epoch {epoch + 1}/{epochs} · loss {value:F4}";
                        task.Increment(1);
                    }
                }
            });
        var ordered = stepMs.Skip(Math.Min(3, stepMs.Count - 1)).OrderBy(v => v).ToList();
        return (losses, ordered[ordered.Count / 2]);
    }

    /// <summary>The DDPM loss on <paramref name="images"/> with fixed timesteps and noise, so models compare on equal terms.</summary>
    public static double Evaluate(Func<Tensor, Tensor, Tensor> predictNoise, Diffusion diffusion, Tensor images, int batch, Device device, int seed)
    {
        using var _ = inference_mode();
        var generator = new Generator((ulong)seed);
        double total = 0;
        var count = images.shape[0];
        for (long start = 0; start < count; start += batch)
        {
            using var scope = NewDisposeScope();
            var clean = images.narrow(0, start, Math.Min(batch, count - start)).to(device);
            total += diffusion.Loss(predictNoise, clean, generator).ToDouble() * clean.shape[0];
        }
        return total / count;
    }
}
