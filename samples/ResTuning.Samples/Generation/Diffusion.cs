using System;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// DDPM (Ho et al. 2020) with a linear β schedule: the forward noising <c>x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε</c>, the
/// ε-prediction loss and ancestral sampling. A noise predictor is <c>(x_t, t) → ε̂</c>.
/// </summary>
public sealed class Diffusion
{
    private readonly Tensor betas;
    private readonly Tensor alphaBars;

    /// <summary>Creates a schedule of <paramref name="steps"/> steps with β from 1e-4 up to <paramref name="betaEnd"/>.</summary>
    public Diffusion(int steps, Device device, double betaEnd = 0.1)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A diffusion needs at least two steps.");
        Steps = steps;
        betas = linspace(1e-4, betaEnd, steps, ScalarType.Float32).to(device);
        alphaBars = (1 - betas).cumprod(0);
    }

    /// <summary>Number of diffusion steps T.</summary>
    public int Steps { get; }

    /// <summary>The mean-squared error of predicting the noise added to <paramref name="clean"/> at random timesteps.</summary>
    /// <param name="predictNoise">The model.</param>
    /// <param name="clean">Images x_0 in model space.</param>
    /// <param name="generator">For reproducible timesteps and noise (e.g. a fixed evaluation); null for the global one.</param>
    public Tensor Loss(Func<Tensor, Tensor, Tensor> predictNoise, Tensor clean, Generator? generator = null)
    {
        var n = clean.shape[0];
        var t = randint(0, Steps, new long[] { n }, generator: generator).to(clean.device);
        var noise = randn(clean.shape, generator: generator).to(clean.device);
        var abar = alphaBars.index_select(0, t).view(n, 1, 1, 1);
        var noisy = abar.sqrt() * clean + (1 - abar).sqrt() * noise;
        return nn.functional.mse_loss(predictNoise(noisy, t), noise);
    }

    /// <summary>Draws <paramref name="count"/> images <c>[N, 3, S, S]</c> by ancestral sampling from pure noise (seeded).</summary>
    public Tensor Sample(Func<Tensor, Tensor, Tensor> predictNoise, int count, int imageSize, int seed, Device device, string title)
    {
        using var _ = inference_mode();
        var generator = new Generator((ulong)seed);
        var x = randn(new long[] { count, 3, imageSize, imageSize }, generator: generator).to(device);
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(title, maxValue: Steps);
                for (var step = Steps - 1; step >= 0; step--)
                {
                    using var scope = NewDisposeScope();
                    var t = full(count, step, ScalarType.Int64, device);
                    var beta = betas[step].ToDouble();
                    var abar = alphaBars[step].ToDouble();
                    var eps = predictNoise(x, t);
                    var mean = (x - eps * (beta / Math.Sqrt(1 - abar))) / Math.Sqrt(1 - beta);
                    var next = step > 0 ? mean + randn(x.shape, generator: generator).to(device) * Math.Sqrt(beta) : mean;
                    x.Dispose();
                    x = next.MoveToOuterDisposeScope();
                    task.Increment(1);
                }
            });
        return x;
    }
}
