using System;
using System.Collections.Generic;
using System.Globalization;
using ResTuning.Backbones;

namespace ResTuning.Benchmarks;

/// <summary>Command-line options of <c>tapcache</c>.</summary>
internal sealed record TapCacheBenchOptions
{
    public const string Usage = "tapcache [--json] [--model tiny|small|base] [--image N] [--examples N] [--epochs N] [--batch N] [--adapter N] [--tasks N] [--live-epochs N] [--dtype float32|float16|bfloat16] [--storage disk|memory] [--dir PATH]";

    public string Model { get; init; } = "small";
    public int Image { get; init; } = 96;
    public int Examples { get; init; } = 2048;
    public int Epochs { get; init; } = 10;
    public int Batch { get; init; } = 32;
    public int Adapter { get; init; } = 64;
    public int Tasks { get; init; } = 4;
    public int LiveEpochs { get; init; } = 3;
    public string Dtype { get; init; } = "float32";
    public string Storage { get; init; } = "memory";   // the library's default (TapCacheOptions.Storage)
    public string? Dir { get; init; }
    public bool Json { get; init; }

    public VitConfig VitConfig => (Model switch
    {
        "tiny" => VitConfig.Tiny,
        "small" => VitConfig.Small,
        "base" => VitConfig.Base,
        _ => throw new ArgumentException($"--model must be tiny, small or base, not '{Model}'."),
    }) with { ImageSize = Image, NumClasses = 0 };

    public static TapCacheBenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TapCacheBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--model" => o with { Model = Next() },
                "--image" => o with { Image = NextInt() },
                "--examples" => o with { Examples = NextInt() },
                "--epochs" => o with { Epochs = NextInt() },
                "--batch" => o with { Batch = NextInt() },
                "--adapter" => o with { Adapter = NextInt() },
                "--tasks" => o with { Tasks = NextInt() },
                "--live-epochs" => o with { LiveEpochs = NextInt() },
                "--dtype" => o with { Dtype = Next() },
                "--storage" => o with { Storage = Next() },
                "--dir" => o with { Dir = Next() },
                "--json" => o with { Json = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        if (o.Examples <= 0 || o.Epochs <= 0 || o.Batch <= 0 || o.Adapter <= 0 || o.Tasks <= 0 || o.LiveEpochs <= 0)
            throw new ArgumentException("--examples, --epochs, --batch, --adapter, --tasks and --live-epochs must be positive.");
        if (o.Storage is not ("disk" or "memory")) throw new ArgumentException("--storage must be disk or memory.");
        _ = Caching.TapCacheKey.ParseDType(o.Dtype);
        _ = o.VitConfig;
        return o;
    }
}
