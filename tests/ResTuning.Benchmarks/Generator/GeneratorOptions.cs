using System;
using System.Collections.Generic;
using System.Globalization;

namespace ResTuning.Benchmarks.Generator;

/// <summary>Command-line options of <c>generator</c>.</summary>
internal sealed record GeneratorOptions
{
    /// <summary>The usage line.</summary>
    public const string Usage = "generator [--json] [--classes N (>= 200 for the reported figure; default 200)] [--runs N (default 9)] [--warmup N (default 3)]";

    /// <summary>Annotated classes in the compilation.</summary>
    public int Classes { get; init; } = 200;

    /// <summary>Timed runs of each kind; the medians are reported.</summary>
    public int Runs { get; init; } = 9;

    /// <summary>Untimed rounds before the timed ones.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>Print one JSON line instead of a sentence.</summary>
    public bool Json { get; init; }

    /// <summary>Parses the arguments after <c>generator</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An unknown option, a missing value or a value out of range.</exception>
    public static GeneratorOptions Parse(IReadOnlyList<string> args)
    {
        var o = new GeneratorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt()
            {
                var option = args[i];
                var text = Next();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw new ArgumentException($"{option} needs an integer, not '{text}'.");
            }
            o = args[i] switch
            {
                "--classes" => o with { Classes = NextInt() },
                "--runs" => o with { Runs = NextInt() },
                "--warmup" => o with { Warmup = NextInt() },
                "--json" => o with { Json = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        if (o.Classes <= 0 || o.Runs <= 0 || o.Warmup < 0) throw new ArgumentException("--classes and --runs must be positive, --warmup non-negative.");
        return o;
    }
}
