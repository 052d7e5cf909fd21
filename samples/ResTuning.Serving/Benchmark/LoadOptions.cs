using System;
using System.Globalization;

namespace ResTuning.Serving.Benchmark;

/// <summary>The load benchmark's options.</summary>
public sealed record LoadOptions
{
    /// <summary>How the options are written.</summary>
    public const string Usage = "bench [--backbone resnet18-imagenet|resnet18-random] [--size N] [--concurrency N] [--seconds N] [--warmup N] [--tasks N] [--batch N] [--wait-ms N] [--rounds N]";

    /// <summary>The backbone (<see cref="ServingOptions.Backbone"/>).</summary>
    public string Backbone { get; init; } = ServingBackbone.ImageNet;

    /// <summary>Image side.</summary>
    public int Size { get; init; } = 80;

    /// <summary>Clients sending at once.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Measured seconds per scenario.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>Unmeasured seconds per scenario first.</summary>
    public double Warmup { get; init; } = 3;

    /// <summary>Tasks of the many-task scenarios.</summary>
    public int Tasks { get; init; } = 8;

    /// <summary>The batcher's maximum batch.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>The batcher's maximum wait.</summary>
    public int WaitMs { get; init; } = 5;

    /// <summary>
    /// Times every scenario is run, one round after another; the ratios are taken within a round (its scenarios ran
    /// minutes apart at most) and reported as the median over rounds, since a shared machine's speed drifts.
    /// </summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--backbone" => options with { Backbone = Value() },
                "--size" => options with { Size = Int() },
                "--concurrency" => options with { Concurrency = Int() },
                "--seconds" => options with { Seconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--tasks" => options with { Tasks = Int() },
                "--batch" => options with { Batch = Int() },
                "--wait-ms" => options with { WaitMs = Int() },
                "--rounds" => Int() is var rounds and > 0 ? options with { Rounds = rounds } : throw new ArgumentException($"--rounds must be at least 1. Usage: {Usage}"),
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        return options;
    }
}
