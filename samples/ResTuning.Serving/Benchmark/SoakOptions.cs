using System;
using System.Globalization;

namespace ResTuning.Serving.Benchmark;

/// <summary>The soak benchmark's options.</summary>
public sealed record SoakOptions
{
    /// <summary>How the options are written.</summary>
    public const string Usage = "soak [--minutes N] [--swap-every-seconds S] [--concurrency C] [--backbone resnet18-imagenet|resnet18-random] [--size N] [--window-seconds N] [--trim-native-heap-seconds N]";

    /// <summary>How long to run, in minutes (the target: 10).</summary>
    public double Minutes { get; init; } = 10;

    /// <summary>Seconds between two hot swaps of the swapped task.</summary>
    public double SwapEverySeconds { get; init; } = 30;

    /// <summary>Clients sending at once.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>The backbone (<see cref="ServingOptions.Backbone"/>).</summary>
    public string Backbone { get; init; } = ServingBackbone.ImageNet;

    /// <summary>Image side.</summary>
    public int Size { get; init; } = 80;

    /// <summary>Length of one reported window in seconds: a minute, unless a short check wants shorter ones.</summary>
    public double WindowSeconds { get; init; } = 60;

    /// <summary>The server's <see cref="ServingOptions.TrimNativeHeapSeconds"/> (0: never trim, to see the heap creep).</summary>
    public int TrimNativeHeapSeconds { get; init; } = new ServingOptions().TrimNativeHeapSeconds;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a value out of range.</exception>
    /// <exception cref="FormatException">A value that is not a number.</exception>
    public static SoakOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--minutes" => options with { Minutes = Number() },
                "--swap-every-seconds" => options with { SwapEverySeconds = Number() },
                "--concurrency" => options with { Concurrency = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--backbone" => options with { Backbone = Value() },
                "--size" => options with { Size = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--window-seconds" => options with { WindowSeconds = Number() },
                "--trim-native-heap-seconds" => options with { TrimNativeHeapSeconds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        if (options.Minutes <= 0 || options.SwapEverySeconds <= 0 || options.Concurrency < 1 || options.WindowSeconds <= 0 || options.TrimNativeHeapSeconds < 0)
            throw new ArgumentException($"--minutes, --swap-every-seconds, --concurrency and --window-seconds must be positive, --trim-native-heap-seconds 0 or more. Usage: {Usage}");
        if (options.Minutes * 60 < 2 * options.WindowSeconds)
            throw new ArgumentException($"Run at least two windows ({2 * options.WindowSeconds / 60:0.##} minutes): growth is measured from the first to the last.");
        return options;
    }
}
