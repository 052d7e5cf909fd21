using System;
using System.Collections.Generic;
using System.Globalization;

namespace ResTuning.Benchmarks;

/// <summary>The small benchmarks' command lines: <c>--name N</c> integers with defaults, and bare flags.</summary>
internal sealed class IntOptions
{
    private readonly Dictionary<string, int> values;
    private readonly HashSet<string> flags = new();

    private IntOptions(IReadOnlyDictionary<string, int> defaults) => values = new Dictionary<string, int>(defaults);

    /// <summary>The value of <paramref name="name"/> (its default when not given).</summary>
    public int this[string name] => values[name];

    /// <summary>Whether the flag <paramref name="name"/> was given.</summary>
    public bool Has(string name) => flags.Contains(name);

    /// <summary>Reads <paramref name="args"/>; an unknown option or a missing value is an <see cref="ArgumentException"/> quoting <paramref name="usage"/>.</summary>
    public static IntOptions Parse(IReadOnlyList<string> args, string usage, IReadOnlyDictionary<string, int> defaults, params string[] knownFlags)
    {
        var options = new IntOptions(defaults);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (Array.IndexOf(knownFlags, name) >= 0)
                options.flags.Add(name);
            else if (!defaults.ContainsKey(name))
                throw new ArgumentException($"Unknown option '{name}'. Usage: {usage}");
            else if (i + 1 >= args.Count || !int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw new ArgumentException($"{name} needs a whole number. Usage: {usage}");
            else
                options.values[name] = value;
        }
        return options;
    }
}
