using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ResTuning.Backbones;

namespace ResTuning.Benchmarks;

/// <summary>Command-line options of <c>training</c>.</summary>
internal sealed record BenchmarkOptions
{
    public string Model { get; init; } = "small";
    public int Batch { get; init; } = 32;
    public int Steps { get; init; } = 5;
    public int Warmup { get; init; } = 1;
    public string Device { get; init; } = "cpu";
    public string Dtype { get; init; } = "float32";
    public int Image { get; init; } = 96;
    public int Tasks { get; init; } = 8;
    public int Classes { get; init; } = 100;
    public bool Json { get; init; }
    public string? Method { get; init; }

    /// <summary>The ResNet of the ImageNet featurizer's shape (<c>--model resnet</c>, see <see cref="ResNetMethods"/>) instead of a ViT.</summary>
    public bool IsResNet => Model == "resnet";

    public VitConfig VitConfig => (Model switch
    {
        "tiny" => VitConfig.Tiny,
        "small" => VitConfig.Small,
        "base" => VitConfig.Base,
        _ => throw new ArgumentException($"--model must be tiny, small or base, not '{Model}'.", "--model"),
    }) with { ImageSize = Image, NumClasses = Classes };

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--model" => o with { Model = Next() },
                "--batch" => o with { Batch = NextInt() },
                "--steps" => o with { Steps = NextInt() },
                "--warmup" => o with { Warmup = NextInt() },
                "--device" => o with { Device = Next() },
                "--dtype" => o with { Dtype = Next() },
                "--image" => o with { Image = NextInt() },
                "--tasks" => o with { Tasks = NextInt() },
                "--classes" => o with { Classes = NextInt() },
                "--method" => o with { Method = Next() },
                "--json" => o with { Json = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Options: --model tiny|small|base|resnet, --batch N, --steps N, --warmup N, --device cpu|cuda, --dtype float32|bfloat16, --image N, --tasks N, --classes N, --method NAME, --json."),
            };
        }
        if (o.Device is not ("cpu" or "cuda")) throw new ArgumentException("--device must be cpu or cuda.");
        if (o.Dtype is not ("float32" or "bfloat16")) throw new ArgumentException("--dtype must be float32 or bfloat16.");
        if (o.Batch <= 0 || o.Steps <= 0 || o.Warmup < 0 || o.Tasks <= 0) throw new ArgumentException("--batch, --steps and --tasks must be positive, --warmup non-negative.");
        if (o.IsResNet)
        {
            // The anchor's defaults (anchor_resnet_cpu.py): 112 px, 10 classes, unless given.
            if (!args.Contains("--image")) o = o with { Image = 112 };
            if (!args.Contains("--classes")) o = o with { Classes = 10 };
            if (o.Device != "cpu" || o.Dtype != "float32") throw new ArgumentException("--model resnet runs on cpu in float32.");
            return o;
        }
        _ = o.VitConfig;
        return o;
    }

    /// <summary>The options as arguments for a child process running one method.</summary>
    public IEnumerable<string> ChildArguments(string method) => new[]
    {
        "training", "--method", method, "--json",
        "--model", Model, "--batch", Batch.ToString(CultureInfo.InvariantCulture), "--steps", Steps.ToString(CultureInfo.InvariantCulture),
        "--warmup", Warmup.ToString(CultureInfo.InvariantCulture), "--device", Device, "--dtype", Dtype,
        "--image", Image.ToString(CultureInfo.InvariantCulture), "--tasks", Tasks.ToString(CultureInfo.InvariantCulture),
        "--classes", Classes.ToString(CultureInfo.InvariantCulture),
    };
}
