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
/// <param name="TapCache">Storage type of the tap cache of the bypass (and the ResNet's linear probe): <c>float32</c>, <c>float16</c>, <c>bfloat16</c>, or <c>off</c> to train live.</param>
/// <param name="Backbone"><see cref="ClassifyOptions.ResNet"/> (ML.NET's ImageNet ResNet-18, the default) or <see cref="ClassifyOptions.Vit"/> (the sample ViT pretrained here).</param>
/// <param name="ProtocolName">The ImageNet protocol's size: <c>default</c> or <c>full</c>.</param>
public sealed record ClassifySettings(
    IReadOnlyList<TuningMethod> Methods, TransferProtocol Protocol, string Output, string Device,
    string? FashionMnistFolder, string? DataFolder, string? Pretrained, bool Quick, string TapCache = "float32",
    string Backbone = ClassifyOptions.ResNet, string ProtocolName = "default")
{
    /// <summary>Whether the backbone is the ImageNet ResNet.</summary>
    public bool UsesResNet => Backbone == ClassifyOptions.ResNet;

    /// <summary><see cref="TapCache"/> as a storage type; null when off.</summary>
    public TorchSharp.torch.ScalarType? TapCacheDType => TapCache == "off" ? null : global::ResTuning.Caching.TapCacheKey.ParseDType(TapCache);
}

/// <summary>The command-line options of <c>classify</c>.</summary>
public sealed class ClassifyOptions
{
    /// <summary><c>--backbone</c> value of ML.NET's ImageNet ResNet-18.</summary>
    public const string ResNet = "resnet";

    /// <summary><c>--backbone</c> value of the sample ViT pretrained here on five Fashion-MNIST classes.</summary>
    public const string Vit = "vit";

    private static readonly string MethodNames = string.Join(", ", TuningMethods.All.Select(m => m.Name()));

    /// <summary><c>--method</c>.</summary>
    public Option<string[]> Method { get; } = MethodOption();

    /// <summary><c>--quick</c>.</summary>
    public Option<bool> Quick { get; } = new("--quick") { Description = "The same job on a tiny subset (seconds; for tests and a first look)" };

    /// <summary><c>--backbone</c>.</summary>
    public Option<string> Backbone { get; } = Choice("--backbone",
        "The pretrained network to tune: resnet (ML.NET's ImageNet ResNet-18, from NuGet) or vit (a small ViT pretrained here on five Fashion-MNIST classes)",
        ResNet, ResNet, Vit);

    /// <summary><c>--protocol</c>.</summary>
    public Option<string> Protocol { get; } = Choice("--protocol",
        "Size of the ResNet protocol: default (80 px, 20 labels per class, 2,000 test images; about a quarter of an hour on 2 cores) or full (112 px, 50 labels per class, 5,000 test images: the README's table)",
        "default", "default", "full");

    /// <summary><c>--epochs</c>.</summary>
    public Option<int?> Epochs { get; } = CliOptions.OptionalPositive("--epochs", "Tuning epochs over the labelled target images (ResNet 6, full 8; ViT 40)");

    /// <summary><c>--pretrain-epochs</c>.</summary>
    public Option<int?> PretrainEpochs { get; } = CliOptions.OptionalPositive("--pretrain-epochs", "ViT only: pretraining epochs on the source classes (default 16)");

    /// <summary><c>--labelled-per-class</c>.</summary>
    public Option<int?> LabelledPerClass { get; } = CliOptions.OptionalPositive("--labelled-per-class", "Labelled target images per class, a fifth of which validate the sweep (ResNet 20, full 50; ViT 50)");

    /// <summary><c>--sweep-folds</c>.</summary>
    public Option<int?> SweepFolds { get; } = CliOptions.OptionalPositive("--sweep-folds",
        "Folds the learning-rate sweep scores each rate on: 1 (default) the validation split alone; K more disjoint validation blocks per class, averaged (K times the sweep's cost)");

    /// <summary><c>--image-size</c>.</summary>
    public Option<int?> ImageSize { get; } = CliOptions.OptionalPositive("--image-size", "ResNet only: side in pixels the images are resized to (default 80, full 112; at least 32)");

    /// <summary><c>--seeds</c>.</summary>
    public Option<int?> Seeds { get; } = CliOptions.OptionalPositive("--seeds", "Training seeds of the final runs (ResNet 3; ViT 5)");

    /// <summary><c>--adapt-batch-norm</c>.</summary>
    public Option<bool> AdaptBatchNorm { get; } = new("--adapt-batch-norm")
    {
        Description = "ResNet only: re-estimate the pretrained batch-norm statistics on the sweep's training images (AdaBN) before every method",
    };

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
    public Option<string?> Pretrained { get; } = new("--pretrained") { Description = "ViT only: a pretrained sample-ViT .safetensors (timm names) to tune instead of pretraining here" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Backbone, Protocol, Method, Quick, Epochs, ImageSize, PretrainEpochs, LabelledPerClass, SweepFolds, Seeds, AdaptBatchNorm, TapCache, Output, Device, FashionMnist, Data, Pretrained })
            command.Options.Add(option);
    }

    /// <summary>The settings parsed from <paramref name="parse"/>.</summary>
    public ClassifySettings Read(ParseResult parse)
    {
        var quick = parse.GetValue(Quick);
        var backbone = parse.GetValue(Backbone)!;
        var protocolName = parse.GetValue(Protocol)!;
        if (backbone == ResNet && (parse.GetResult(PretrainEpochs) is not null || parse.GetResult(Pretrained) is not null))
            throw new ArgumentException("--pretrain-epochs and --pretrained are options of the ViT (--backbone vit); the ResNet comes pretrained on ImageNet.");
        if (backbone == Vit && protocolName != "default")
            throw new ArgumentException("--protocol full is the ResNet's; the ViT protocol has one size (use --labelled-per-class, --epochs, --seeds).");
        var protocol = (backbone, quick, protocolName) switch
        {
            (Vit, true, _) => TransferProtocol.Quick,
            (Vit, false, _) => new TransferProtocol(),
            (_, true, _) => TransferProtocol.ImageNetQuick,
            (_, false, "full") => TransferProtocol.ImageNetFull,
            _ => TransferProtocol.ImageNet,
        };
        if (parse.GetValue(Epochs) is { } epochs) protocol = protocol with { Epochs = epochs };
        if (parse.GetValue(PretrainEpochs) is { } pretrainEpochs) protocol = protocol with { PretrainEpochs = pretrainEpochs };
        if (parse.GetValue(LabelledPerClass) is { } labelled && labelled != protocol.LabelledPerClass)
            protocol = protocol with { LabelledPerClass = labelled, ValidationPerClass = Math.Max(1, labelled / 5) };
        if (parse.GetValue(SweepFolds) is { } folds) protocol = protocol with { SweepFolds = folds };
        if (parse.GetValue(Seeds) is { } seeds) protocol = protocol with { Seeds = seeds };
        if (parse.GetValue(ImageSize) is { } size)
            protocol = backbone == ResNet ? protocol with { ImageSize = size } : throw new ArgumentException("--image-size is the ResNet's; the sample ViT reads 28-px images.");
        if (parse.GetValue(AdaptBatchNorm))
            protocol = backbone == ResNet ? protocol with { AdaptBatchNorm = true } : throw new ArgumentException("--adapt-batch-norm is the ResNet's; the sample ViT has no batch norm.");
        protocol.Validate();
        var methods = parse.GetValue(Method) is { Length: > 0 } given
            ? given.Select(n => { TuningMethods.TryParse(n, out var m); return m; }).Distinct().OrderBy(m => m).ToArray()
            : TuningMethods.All;
        return new ClassifySettings(methods, protocol, parse.GetValue(Output)!, parse.GetValue(Device)!,
            parse.GetValue(FashionMnist), parse.GetValue(Data), parse.GetValue(Pretrained), quick, parse.GetValue(TapCache)!, backbone, protocolName);
    }

    /// <summary>The arguments that make a child process read the same settings.</summary>
    public static IEnumerable<string> ToArguments(ClassifySettings settings)
    {
        var p = settings.Protocol;
        yield return "--output"; yield return settings.Output;
        yield return "--device"; yield return settings.Device;
        yield return "--tap-cache"; yield return settings.TapCache;
        yield return "--backbone"; yield return settings.Backbone;
        yield return "--protocol"; yield return settings.ProtocolName;
        if (settings.Quick) yield return "--quick";
        yield return "--epochs"; yield return p.Epochs.ToString(CultureInfo.InvariantCulture);
        if (!settings.UsesResNet) { yield return "--pretrain-epochs"; yield return p.PretrainEpochs.ToString(CultureInfo.InvariantCulture); }
        yield return "--labelled-per-class"; yield return p.LabelledPerClass.ToString(CultureInfo.InvariantCulture);
        yield return "--seeds"; yield return p.Seeds.ToString(CultureInfo.InvariantCulture);
        yield return "--sweep-folds"; yield return p.SweepFolds.ToString(CultureInfo.InvariantCulture);
        if (settings.UsesResNet) { yield return "--image-size"; yield return p.ImageSize.ToString(CultureInfo.InvariantCulture); }
        if (p.AdaptBatchNorm) yield return "--adapt-batch-norm";
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

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
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
}
