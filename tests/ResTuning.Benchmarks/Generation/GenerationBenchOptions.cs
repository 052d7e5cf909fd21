using System;
using System.Collections.Generic;
using System.Globalization;
using ResTuning.Samples.Generation;

namespace ResTuning.Benchmarks.Generation;

/// <summary>Command-line options of <c>generation</c>: the generative sample's settings (same names, same defaults) and the method to run.</summary>
internal sealed record GenerationBenchOptions
{
    public const string Usage = "generation [--json] [--method bypass|full] [--epochs N] [--pretrain-epochs N] [--batch N] [--device cpu|cuda] [--image-size N] [--train-examples N] [--steps N] [--seed N] [--output DIR] [--pretrained FILE]";

    /// <summary>The settings of the sample's <c>generate</c> command (<c>--samples</c> aside: nothing is sampled here).</summary>
    public GenerationSettings Settings { get; init; } = new();

    /// <summary>One method, run in this process; null to run each in its own child process.</summary>
    public AdaptationMethod? Method { get; init; }

    public bool Json { get; init; }

    public static GenerationBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new GenerationBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            GenerationBenchOptions With(Func<GenerationSettings, GenerationSettings> change) => o with { Settings = change(o.Settings) };
            o = args[i] switch
            {
                "--method" => o with { Method = AdaptationMethods.TryParse(Next(), out var m) ? m : throw new ArgumentException("--method must be bypass or full.") },
                "--epochs" => With(s => s with { Epochs = NextInt() }),
                "--pretrain-epochs" => With(s => s with { PretrainEpochs = NextInt() }),
                "--batch" => With(s => s with { Batch = NextInt() }),
                "--device" => With(s => s with { Device = Next() }),
                "--image-size" => With(s => s with { ImageSize = NextInt() }),
                "--train-examples" => With(s => s with { TrainExamples = NextInt() }),
                "--steps" => With(s => s with { Steps = NextInt() }),
                "--seed" => With(s => s with { Seed = NextInt() }),
                "--output" => With(s => s with { Output = Next() }),
                "--pretrained" => With(s => s with { Pretrained = Next() }),
                "--json" => o with { Json = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        var c = o.Settings;
        if (c.Device is not ("cpu" or "cuda")) throw new ArgumentException("--device must be cpu or cuda.");
        if (c.Epochs <= 0 || c.PretrainEpochs <= 0 || c.Batch <= 0 || c.TrainExamples <= 0)
            throw new ArgumentException("--epochs, --pretrain-epochs, --batch and --train-examples must be positive.");
        if (c.ImageSize <= 0 || c.ImageSize % 4 != 0) throw new ArgumentException("--image-size must be a positive multiple of 4 (the U-Net halves it twice).");
        if (c.Steps < 2) throw new ArgumentException("--steps must be at least 2.");
        return o;
    }

    /// <summary>The options as arguments for a child process adapting the U-Net at <paramref name="unetPath"/> with <paramref name="method"/>.</summary>
    public IEnumerable<string> ChildArguments(AdaptationMethod method, string unetPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = Settings;
        return new[]
        {
            "generation", "--method", method.Name(), "--json", "--pretrained", unetPath,
            "--epochs", s.Epochs.ToString(inv), "--pretrain-epochs", s.PretrainEpochs.ToString(inv), "--batch", s.Batch.ToString(inv),
            "--device", s.Device, "--image-size", s.ImageSize.ToString(inv), "--train-examples", s.TrainExamples.ToString(inv),
            "--steps", s.Steps.ToString(inv), "--seed", s.Seed.ToString(inv), "--output", s.Output,
        };
    }
}
