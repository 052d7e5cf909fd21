using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Onnx;
using ResTuning.Samples.Classification;
using ResTuning.Samples.CommandLine;
using ResTuning.Samples.Reporting;
using Spectre.Console;

namespace ResTuning.Samples.Text;

/// <summary>What the <c>text</c> command was asked to do.</summary>
/// <param name="Methods">The methods to compare, in table order.</param>
/// <param name="Protocol">The protocol (<see cref="TextProtocol.Default"/>, <see cref="TextProtocol.Quick"/>, or either with overrides).</param>
/// <param name="Output">Folder for results, plots and tuner checkpoints.</param>
/// <param name="Device"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="SplitFile">The frozen split.</param>
/// <param name="AptIndex">A package index in <c>apt-cache dumpavail</c> form to read the descriptions from; null for apt's own.</param>
/// <param name="Quick">Whether the protocol is the tiny one.</param>
/// <param name="TapCache">Storage type of the linear probe's and the bypass's tap cache, or <c>off</c>.</param>
public sealed record TextSettings(IReadOnlyList<TuningMethod> Methods, TextProtocol Protocol, string Output, string Device, string SplitFile,
    string? AptIndex, bool Quick, string TapCache)
{
    /// <summary><see cref="TapCache"/> as a storage type; null when off.</summary>
    public TorchSharp.torch.ScalarType? TapCacheDType => TapCache == "off" ? null : global::ResTuning.Caching.TapCacheKey.ParseDType(TapCache);
}

/// <summary>
/// The text sample: the main job's protocol on real text. all-MiniLM-L6-v2 (from NuGet) is tuned to tell Debian package
/// short descriptions apart by their <c>Section</c> (<see cref="DebianSections"/>) with scratch, full fine-tuning, linear probe,
/// LoRA, Res-Tuning and Res-Tuning-Bypass; each method in its own process (its memory figure is its own); the job prints the
/// comparison and writes the plots and <c>results.json</c>, as <c>classify</c> does.
/// </summary>
public static class TextCommand
{
    /// <summary>The dataset name in <c>results.json</c>.</summary>
    public const string DatasetName = "debian-package-sections";

    /// <summary>The <c>text</c> command.</summary>
    public static Command Create()
    {
        var methodNames = string.Join(", ", TuningMethods.All.Select(m => m.Name()));
        var method = new Option<string[]>("--method", "-m") { Description = $"Methods to compare: {methodNames} (default: all)", AllowMultipleArgumentsPerToken = true };
        method.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!TuningMethods.TryParse(value, out _)) result.AddError($"Unknown method '{value}'. Use one of: {methodNames}.");
        });
        var quick = new Option<bool>("--quick") { Description = "The same job on a tiny subset (seconds; for tests and a first look)" };
        var epochs = CliOptions.OptionalPositive("--epochs", "Tuning epochs over the labelled texts (default 6)");
        var labelled = CliOptions.OptionalPositive("--labelled-per-class", "Labelled texts per class, a quarter of which validate the sweep (default 24; the frozen pool holds 32)");
        var seeds = CliOptions.OptionalPositive("--seeds", "Training seeds of the final runs (default 3)");
        var sweepFolds = CliOptions.OptionalPositive("--sweep-folds",
            "Folds the learning-rate sweep scores each rate on: 1 (default) the validation split alone; K more disjoint validation blocks per class, averaged (K times the sweep's cost)");
        var testPerClass = CliOptions.OptionalPositive("--test-per-class", "Test texts per class (default: all of the frozen split's, 150)");
        var tapCache = new Option<string>("--tap-cache")
        {
            Description = "The linear probe and the bypass train on taps cached once (float32, float16 or bfloat16 storage), or live with off",
            DefaultValueFactory = _ => "float32",
        };
        tapCache.AcceptOnlyFromAmong("float32", "float16", "bfloat16", "off");
        var output = CliOptions.Output("out/text");
        var device = CliOptions.Device();
        var split = new Option<string>("--split") { Description = $"The frozen split (default: {DebianSections.FileName} beside the program)", DefaultValueFactory = _ => DebianSections.DefaultSplitPath };
        var aptIndex = new Option<string?>("--apt-index") { Description = "Read the descriptions from this file (the output of `apt-cache dumpavail`) instead of this machine's apt" };
        var childMethod = new Option<string?>("--child-method") { Hidden = true };
        var childResult = new Option<string?>("--child-result") { Hidden = true };
        var command = new Command("text",
            "Transfer learning on text: tune all-MiniLM-L6-v2 (from NuGet) to tell Debian package descriptions apart by their section, with scratch, full fine-tuning, " +
            "linear probe, LoRA, Res-Tuning and Res-Tuning-Bypass (learning rates from a validation sweep, mean ± std over seeds); print the comparison and write plots and results.json.")
        {
            method, quick, epochs, labelled, seeds, sweepFolds, testPerClass, tapCache, output, device, split, aptIndex, childMethod, childResult,
        };
        command.SetAction(parse => CliOptions.Guard(() =>
        {
            var protocol = parse.GetValue(quick) ? TextProtocol.Quick : TextProtocol.Default;
            var tuning = protocol.Tuning;
            if (parse.GetValue(epochs) is { } e) tuning = tuning with { Epochs = e };
            if (parse.GetValue(labelled) is { } l && l != tuning.LabelledPerClass) tuning = tuning with { LabelledPerClass = l, ValidationPerClass = Math.Max(1, l / 4) };
            if (parse.GetValue(seeds) is { } s) tuning = tuning with { Seeds = s };
            if (parse.GetValue(sweepFolds) is { } k) tuning = tuning with { SweepFolds = k };
            protocol = protocol with { Tuning = tuning, TestPerClass = parse.GetValue(testPerClass) ?? protocol.TestPerClass };
            tuning.Validate();
            var methods = parse.GetValue(method) is { Length: > 0 } given
                ? given.Select(n => { TuningMethods.TryParse(n, out var m); return m; }).Distinct().OrderBy(m => m).ToArray()
                : TuningMethods.All;
            var settings = new TextSettings(methods, protocol, parse.GetValue(output)!, parse.GetValue(device)!, parse.GetValue(split)!,
                parse.GetValue(aptIndex), parse.GetValue(quick), parse.GetValue(tapCache)!);
            if (parse.GetValue(childMethod) is { } child)
            {
                TuningMethods.TryParse(child, out var childTuning);
                var (data, _, description) = Load(settings, quiet: true);
                using var backbone = new TextBackbone(data.ClassNames.Count);
                MethodRun.Run(childTuning, backbone, TextData.Build(data, backbone.Tokenizer, settings.Protocol.Tuning, settings.Protocol.TokenCap, settings.Protocol.TestPerClass),
                    settings.Protocol.Tuning, settings.Output, SampleDevice.Resolve(settings.Device), parse.GetValue(childResult)!, settings.TapCacheDType, description, labelledOnce: true);
                return 0;
            }
            return Run(settings);
        }));
        return command;
    }

    /// <summary>Runs the job and reports; returns the process exit code.</summary>
    public static int Run(TextSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var wall = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.Output);
        var (_, testTexts, protocol) = Load(settings, quiet: false);
        AnsiConsole.MarkupLine($"[bold]Backbone[/]: {TextBackbone.BackboneName} (NuGet {MiniLM.PackageId} {MiniLM.PackageVersion}), a new classifier for the sections.");
        AnsiConsole.MarkupLine($"[bold]Protocol[/]: {Markup.Escape(protocol)}.");

        var results = new List<MethodResult>();
        foreach (var method in settings.Methods)
        {
            AnsiConsole.MarkupLine($"[bold]Tuning[/] with [aqua]{method.Name()}[/] (own process, for an isolated memory figure)");
            var resultPath = Path.Combine(settings.Output, $"result-{method.Name()}.json");
            File.Delete(resultPath);
            var exit = ChildProcess.Run(new[] { "text", "--child-method", method.Name(), "--child-result", resultPath }.Concat(ToArguments(settings)));
            if (exit != 0 || !File.Exists(resultPath))
            {
                AnsiConsole.MarkupLine($"[red]Method {method.Name()} failed (exit code {exit}).[/]");
                return exit == 0 ? 1 : exit;
            }
            results.Add(JsonSerializer.Deserialize<MethodResult>(File.ReadAllText(resultPath))!);
        }

        ResultsTable.Print(results, null, TextBackbone.ProbeBatch);
        var lossPlot = Path.Combine(settings.Output, "loss.png");
        var accuracyPlot = Path.Combine(settings.Output, "accuracy.png");
        TrainingCurves.SaveLoss(lossPlot, results);
        TrainingCurves.SaveAccuracy(accuracyPlot, results);
        var report = Path.Combine(settings.Output, "results.json");
        TransferReport.Write(report, DatasetName, TextBackbone.BackboneName, protocol, null, wall.Elapsed.TotalSeconds, results);
        AnsiConsole.MarkupLine($"Results: [link]{Markup.Escape(Path.GetFullPath(report))}[/]; plots: [link]{Markup.Escape(Path.GetFullPath(lossPlot))}[/], " +
                               $"[link]{Markup.Escape(Path.GetFullPath(accuracyPlot))}[/] ({wall.Elapsed.TotalMinutes:F1} min in all; {testTexts} test texts)");
        return 0;
    }

    /// <summary>The arguments that make a child process read the same settings.</summary>
    public static IEnumerable<string> ToArguments(TextSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var p = settings.Protocol.Tuning;
        string N(int value) => value.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "--output", settings.Output, "--device", settings.Device, "--tap-cache", settings.TapCache, "--split", settings.SplitFile,
            "--epochs", N(p.Epochs), "--labelled-per-class", N(p.LabelledPerClass), "--seeds", N(p.Seeds), "--sweep-folds", N(p.SweepFolds),
        };
        if (settings.Protocol.TestPerClass > 0) args.AddRange(new[] { "--test-per-class", N(settings.Protocol.TestPerClass) });
        if (settings.Quick) args.Add("--quick");
        if (settings.AptIndex is not null) args.AddRange(new[] { "--apt-index", settings.AptIndex });
        return args;
    }

    // The split joined with apt's descriptions, the number of test texts the protocol uses, and the protocol's description.
    private static (TextSplit Split, int TestTexts, string Description) Load(TextSettings settings, bool quiet)
    {
        var entries = DebianSections.ReadSplit(settings.SplitFile);
        var split = DebianSections.Join(entries, DebianSections.ReadDescriptions(settings.AptIndex));
        var per = settings.Protocol.TestPerClass;
        var testTexts = Enumerable.Range(0, split.ClassNames.Count).Sum(c => split.Test.Count(t => t.Label == c) is var n && per > 0 ? Math.Min(n, per) : n);
        if (!quiet)
        {
            AnsiConsole.MarkupLine($"[bold]Data[/]: {entries.Count:N0} packages in {Markup.Escape(settings.SplitFile)}; descriptions from {(settings.AptIndex is null ? "apt (apt-cache dumpavail)" : Markup.Escape(settings.AptIndex))}: " +
                                   $"{split.Train.Count} labelled-pool and {split.Test.Count} test texts; {split.Missing.Count} packages apt no longer has" +
                                   (split.Missing.Count > 0 ? $" ({Markup.Escape(string.Join(", ", split.Missing.Take(5)))}{(split.Missing.Count > 5 ? ", ..." : "")})" : "") +
                                   $", {split.Duplicates} skipped as duplicate descriptions.");
        }
        return (split, testTexts, settings.Protocol.Describe(split.ClassNames, testTexts));
    }
}
