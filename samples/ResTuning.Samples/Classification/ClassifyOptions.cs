using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using ResTuning.Samples.CommandLine;

namespace ResTuning.Samples.Classification;

/// <summary>What the <c>classify</c> command was asked to do.</summary>
/// <param name="Methods">The methods to compare, in table order.</param>
/// <param name="Protocol">The transfer protocol (the defaults, <see cref="TransferProtocol.Quick"/>, or either with overrides).</param>
/// <param name="Output">Folder for the checkpoint, results and plots.</param>
/// <param name="Device"><c>cpu</c> or <c>cuda</c>.</param>
/// <param name="FashionMnistFolder">A folder with the Fashion-MNIST files; null for the system's.</param>
/// <param name="DataFolder">A user's image folder as the target task; null for Fashion-MNIST's target classes.</param>
/// <param name="Pretrained">A pretrained checkpoint to tune instead of pretraining here.</param>
/// <param name="Quick">Whether the protocol is the tiny <see cref="TransferProtocol.Quick"/> one.</param>
/// <param name="TapCache">Storage type of the bypass's tap cache (<c>float32</c>, <c>float16</c>, <c>bfloat16</c>), or <c>off</c> to train it live.</param>
public sealed record ClassifySettings(
    IReadOnlyList<TuningMethod> Methods, TransferProtocol Protocol, string Output, string Device,
    string? FashionMnistFolder, string? DataFolder, string? Pretrained, bool Quick, string TapCache = "float32")
{
    /// <summary><see cref="TapCache"/> as a storage type; null when off.</summary>
    public TorchSharp.torch.ScalarType? TapCacheDType => TapCache == "off" ? null : global::ResTuning.Caching.TapCacheKey.ParseDType(TapCache);
}

/// <summary>The command-line options of <c>classify</c>.</summary>
public sealed class ClassifyOptions
{
    private static readonly string MethodNames = string.Join(", ", TuningMethods.All.Select(m => m.Name()));

    /// <summary><c>--method</c>.</summary>
    public Option<string[]> Method { get; } = MethodOption();

    /// <summary><c>--quick</c>.</summary>
    public Option<bool> Quick { get; } = new("--quick") { Description = "The same job on a tiny subset (seconds; for tests and a first look)" };

    /// <summary><c>--epochs</c>.</summary>
    public Option<int?> Epochs { get; } = Optional("--epochs", "Tuning epochs over the labelled target images (default 40)");

    /// <summary><c>--pretrain-epochs</c>.</summary>
    public Option<int?> PretrainEpochs { get; } = Optional("--pretrain-epochs", "Pretraining epochs on the source classes (default 16)");

    /// <summary><c>--labelled-per-class</c>.</summary>
    public Option<int?> LabelledPerClass { get; } = Optional("--labelled-per-class", "Labelled target images per class (default 50, of which 10 validate the sweep)");

    /// <summary><c>--seeds</c>.</summary>
    public Option<int?> Seeds { get; } = Optional("--seeds", "Training seeds of the final runs (default 5)");

    /// <summary><c>--tap-cache</c>.</summary>
    public Option<string> TapCache { get; } = TapCacheOption();

    /// <summary><c>--output</c>.</summary>
    public Option<string> Output { get; } = CliOptions.Output("out/classify");

    /// <summary><c>--device</c>.</summary>
    public Option<string> Device { get; } = CliOptions.Device();

    /// <summary><c>--fashion-mnist</c>.</summary>
    public Option<string?> FashionMnist { get; } = new("--fashion-mnist")
    {
        Description = $"Folder with the four Fashion-MNIST files (default {(global::ResTuning.Data.FashionMnist.DefaultFolder)}, installed with apt when missing)",
    };

    /// <summary><c>--data</c>.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = "An image folder root/<class>/<image> to tune on instead of Fashion-MNIST's target classes" };

    /// <summary><c>--pretrained</c>.</summary>
    public Option<string?> Pretrained { get; } = new("--pretrained") { Description = "A pretrained sample-ViT .safetensors (timm names) to tune instead of pretraining here" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Method, Quick, Epochs, PretrainEpochs, LabelledPerClass, Seeds, TapCache, Output, Device, FashionMnist, Data, Pretrained })
            command.Options.Add(option);
    }

    /// <summary>The settings parsed from <paramref name="parse"/>.</summary>
    public ClassifySettings Read(ParseResult parse)
    {
        var quick = parse.GetValue(Quick);
        var protocol = quick ? TransferProtocol.Quick : new TransferProtocol();
        if (parse.GetValue(Epochs) is { } epochs) protocol = protocol with { Epochs = epochs };
        if (parse.GetValue(PretrainEpochs) is { } pretrainEpochs) protocol = protocol with { PretrainEpochs = pretrainEpochs };
        if (parse.GetValue(LabelledPerClass) is { } labelled) protocol = protocol with { LabelledPerClass = labelled, ValidationPerClass = Math.Max(1, labelled / 5) };
        if (parse.GetValue(Seeds) is { } seeds) protocol = protocol with { Seeds = seeds };
        protocol.Validate();
        var methods = parse.GetValue(Method) is { Length: > 0 } given
            ? given.Select(n => { TuningMethods.TryParse(n, out var m); return m; }).Distinct().OrderBy(m => m).ToArray()
            : TuningMethods.All;
        return new ClassifySettings(methods, protocol, parse.GetValue(Output)!, parse.GetValue(Device)!,
            parse.GetValue(FashionMnist), parse.GetValue(Data), parse.GetValue(Pretrained), quick, parse.GetValue(TapCache)!);
    }

    /// <summary>The arguments that make a child process read the same settings.</summary>
    public static IEnumerable<string> ToArguments(ClassifySettings settings)
    {
        var p = settings.Protocol;
        yield return "--output"; yield return settings.Output;
        yield return "--device"; yield return settings.Device;
        yield return "--tap-cache"; yield return settings.TapCache;
        if (settings.Quick) yield return "--quick";
        yield return "--epochs"; yield return p.Epochs.ToString(CultureInfo.InvariantCulture);
        yield return "--pretrain-epochs"; yield return p.PretrainEpochs.ToString(CultureInfo.InvariantCulture);
        yield return "--labelled-per-class"; yield return p.LabelledPerClass.ToString(CultureInfo.InvariantCulture);
        yield return "--seeds"; yield return p.Seeds.ToString(CultureInfo.InvariantCulture);
        if (settings.FashionMnistFolder is not null) { yield return "--fashion-mnist"; yield return settings.FashionMnistFolder; }
        if (settings.DataFolder is not null) { yield return "--data"; yield return settings.DataFolder; }
    }

    private static Option<string[]> MethodOption()
    {
        var method = new Option<string[]>("--method", "-m") { Description = $"Methods to compare: {MethodNames} (default: all)", AllowMultipleArgumentsPerToken = true };
        method.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? Array.Empty<string>())
                if (!TuningMethods.TryParse(value, out _))
                    result.AddError($"Unknown method '{value}'. Use one of: {MethodNames}.");
        });
        return method;
    }

    private static Option<string> TapCacheOption()
    {
        var option = new Option<string>("--tap-cache")
        {
            Description = "The bypass trains on taps cached once (float32, float16 or bfloat16 storage), or live with off",
            DefaultValueFactory = _ => "float32",
        };
        option.AcceptOnlyFromAmong("float32", "float16", "bfloat16", "off");
        return option;
    }

    private static Option<int?> Optional(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int?>();
            if (value is <= 0 or > 100_000) r.AddError($"{name} must be a positive integer up to 100000 (got {value}).");
        });
        return option;
    }
}
