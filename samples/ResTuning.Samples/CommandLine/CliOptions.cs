using System;
using System.CommandLine;
using Spectre.Console;

namespace ResTuning.Samples.CommandLine;

/// <summary>Option factories with validators shared by the sample commands, and the error exit.</summary>
public static class CliOptions
{
    /// <summary>Exit code of a run refused for a bad option or input.</summary>
    public const int UsageError = 2;

    /// <summary>An integer option that must be positive (at most <paramref name="max"/> when given).</summary>
    public static Option<int> Positive(string name, string description, int defaultValue, int max = int.MaxValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value <= 0) r.AddError($"{name} must be a positive integer (got {value}).");
            else if (value > max) r.AddError($"{name} must be at most {max} (got {value}).");
        });
        return option;
    }

    /// <summary>An optional integer option (null when not given, so the protocol's default applies) that must be positive, up to 100,000.</summary>
    public static Option<int?> OptionalPositive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int?>();
            if (value is <= 0 or > 100_000) r.AddError($"{name} must be a positive integer up to 100000 (got {value}).");
        });
        return option;
    }

    /// <summary><c>--device cpu|cuda</c>.</summary>
    public static Option<string> Device()
    {
        var device = new Option<string>("--device", "-d") { Description = "cpu or cuda (CUDA via TorchSharp-cuda or RESTUNING_LIBTORCH_DIR)", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        return device;
    }

    /// <summary><c>--output</c>, a folder for the command's files.</summary>
    public static Option<string> Output(string defaultFolder) =>
        new("--output", "-o") { Description = "Folder for checkpoints, results and plots", DefaultValueFactory = _ => defaultFolder };

    /// <summary><c>--seed</c>.</summary>
    public static Option<int> Seed() => new("--seed") { Description = "Random seed", DefaultValueFactory = _ => 7 };

    /// <summary>Prints <paramref name="message"/> as an error and returns <see cref="UsageError"/>.</summary>
    public static int Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return UsageError;
    }

    /// <summary>Runs <paramref name="action"/>, turning the expected failures (bad input files, CUDA missing) into an error message and exit code.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.IO.IOException or Checkpoints.CheckpointException)
        {
            if (Environment.GetEnvironmentVariable("RESTUNING_STACK") == "1") Console.Error.WriteLine(e);
            return Fail(e.Message);
        }
    }
}
