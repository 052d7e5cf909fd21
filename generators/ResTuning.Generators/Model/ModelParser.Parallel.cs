using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Abstractions;
using ResTuning.Generators.Diagnostics;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>
/// The parallel mode: <c>[ResTuning&lt;TBackbone&gt;]</c> with its tuner and <c>[Trainable]</c> attributes, each tuner
/// checked, resolved and given its widths.
/// </summary>
internal sealed partial class ModelParser
{
    /// <summary>Parses a class annotated with the parallel mode attribute.</summary>
    public ModelResult ParseParallel(AttributeData modeAttribute)
    {
        if (!OwnsClass(modeAttribute, ParallelAttribute)) return new ModelResult(null, null, EquatableArray<DiagnosticInfo>.Empty);
        var typeSpec = CheckModelClass(ModelMode.Parallel, modeAttribute);
        var backbone = CheckBackbone(modeAttribute);
        if (typeSpec is not null) CheckGeneratedNames(ParallelMembers, Array.Empty<string>());
        if (typeSpec is not null) CheckExposed(backbone, TypeArgumentLocation(modeAttribute));
        var mode = AttributeReader.Read<ResTuningAttribute<object>>(modeAttribute) ?? new ResTuningAttribute<object>();
        var features = mode.Features;
        if (features < 0) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Features), "[ResTuning]", nameof(mode.Features), ParameterRange.PositiveOrInfer, features));

        var tuners = new List<TunerSpec>();
        var trainable = new List<TrainableSpec>();
        var parsedTuners = new List<Parsed<TunerSpec>>();
        var parsedTrainable = new List<Parsed<TrainableSpec>>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = AttributeName(attribute);
            TunerKindModel kind;
            switch (name)
            {
                case "ResAdapterAttribute": kind = TunerKindModel.Adapter; break;
                case "ResPrefixAttribute": kind = TunerKindModel.Prefix; break;
                case "ResPromptAttribute": kind = TunerKindModel.Prompt; break;
                case "LoRAAttribute": kind = TunerKindModel.LoRA; break;
                case CustomTunerAttribute: kind = TunerKindModel.Custom; break;
                case "TrainableAttribute":
                    if (backbone is not null && ResolveTap(attribute, backbone) is { } kept)
                    {
                        trainable.Add(new TrainableSpec(kept, SourceText(attribute)));
                        parsedTrainable.Add(new Parsed<TrainableSpec>(trainable[trainable.Count - 1], attribute));
                    }
                    continue;
                default: continue;
            }

            var tuner = ParseTuner(kind, attribute, backbone, features);
            if (tuner is not null)
            {
                tuners.Add(tuner);
                parsedTuners.Add(new Parsed<TunerSpec>(tuner, attribute));
            }
        }
        if (typeSpec is not null && backbone is not null)
            ParallelChecks.Check(type.Name, declaration, parsedTuners, parsedTrainable, diagnostics);

        var hasErrors = HasErrors;
        var spec = hasErrors || typeSpec is null || backbone is null
            ? null
            : new ParallelSpec(typeSpec, TapResolver.FullName(backbone), tuners.ToEquatableArray(), trainable.ToEquatableArray(),
                ParallelParameterCount.Of(tuners, trainable));
        var shell = spec is null && hasErrors
            ? Shell(ModelMode.Parallel, typeSpec, backbone, hasLoRA: HasAttribute(type, "LoRAAttribute"))
            : null;
        return new ModelResult(spec, null, diagnostics.ToEquatableArray(), shell);
    }

    private TunerSpec? ParseTuner(TunerKindModel kind, AttributeData attribute, ITypeSymbol? backbone, int features)
    {
        var label = $"[{AttributeName(attribute).Replace("Attribute`1", "").Replace("Attribute", "")}(\"{TapText(attribute)}\")]";
        var errors = ErrorCount;
        // The attribute as its own type: what the user left out keeps the attribute's default.
        var read = AttributeReader.Read<TunerAttribute>(attribute);
        if (read is null) return null;
        var adapter = read as ResAdapterAttribute;
        var prefix = read as ResPrefixAttribute;
        var prompt = read as ResPromptAttribute;
        var lora = read as LoRAAttribute;
        var custom = read as CustomTunerAttribute<object>;
        var dim = adapter?.Dim ?? 0;
        var inWidth = adapter?.In ?? custom?.In ?? 0;
        var outWidth = adapter?.Out ?? custom?.Out ?? 0;
        var length = prefix?.Length ?? prompt?.Length ?? 0;
        var rank = lora?.Rank ?? 0;
        var alpha = lora?.Alpha ?? 0;
        var dropout = adapter?.Dropout ?? lora?.Dropout ?? 0;
        var initStd = prefix?.InitStd ?? 0;
        var initRange = prompt?.InitRange ?? 0;
        var zeroInit = adapter?.ZeroInit ?? prefix?.ZeroInit ?? lora?.ZeroInit ?? false;
        var activation = adapter?.Activation ?? AdapterActivationKind.Gelu;
        var scale = read.Scale;
        var scaleValue = read.ScaleValue;
        // A tuner's state-dict name depends on its tap and this name only, never on attribute order (see TunerAttribute.Name).
        var name = read.Name ?? (kind == TunerKindModel.Custom ? CustomTunerName(attribute) : BaseName(kind));

        if (!IsTunerName(name)) diagnostics.Add(ParameterError(attribute, nameof(read.Name), label, nameof(read.Name), ParameterRange.TunerName, "\"" + name + "\""));
        switch (kind)
        {
            case TunerKindModel.Adapter:
                if (dim <= 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.Dim), label, nameof(adapter.Dim), ParameterRange.Positive, dim));
                if (inWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.In), label, nameof(adapter.In), ParameterRange.PositiveOrInfer, inWidth));
                if (outWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(adapter.Out), label, nameof(adapter.Out), ParameterRange.PositiveOrInfer, outWidth));
                if (!Enum.IsDefined(typeof(AdapterActivationKind), activation))
                    diagnostics.Add(ParameterError(attribute, nameof(adapter.Activation), label, nameof(adapter.Activation), ParameterRange.ActivationKind, (int)activation));
                break;
            case TunerKindModel.Prefix:
            case TunerKindModel.Prompt:
                if (length <= 0) diagnostics.Add(ParameterError(attribute, nameof(ResPrefixAttribute.Length), label, nameof(ResPrefixAttribute.Length), ParameterRange.Positive, length));
                if (!(initStd >= 0)) diagnostics.Add(ParameterError(attribute, nameof(ResPrefixAttribute.InitStd), label, nameof(ResPrefixAttribute.InitStd), ParameterRange.NonNegative, initStd));
                if (!(initRange >= 0)) diagnostics.Add(ParameterError(attribute, nameof(ResPromptAttribute.InitRange), label, nameof(ResPromptAttribute.InitRange), ParameterRange.NonNegative, initRange));
                break;
            case TunerKindModel.Custom:
                if (inWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(custom.In), label, nameof(custom.In), ParameterRange.PositiveOrInfer, inWidth));
                if (outWidth < 0) diagnostics.Add(ParameterError(attribute, nameof(custom.Out), label, nameof(custom.Out), ParameterRange.PositiveOrInfer, outWidth));
                CheckCustomTuner(attribute, label);
                break;
            case TunerKindModel.LoRA:
                if (rank <= 0) diagnostics.Add(ParameterError(attribute, nameof(lora.Rank), label, nameof(lora.Rank), ParameterRange.Positive, rank));
                if (!(alpha > 0)) diagnostics.Add(ParameterError(attribute, nameof(lora.Alpha), label, nameof(lora.Alpha), ParameterRange.Positive, alpha));
                break;
        }
        if (!(dropout >= 0 && dropout < 1)) diagnostics.Add(ParameterError(attribute, nameof(LoRAAttribute.Dropout), label, nameof(LoRAAttribute.Dropout), ParameterRange.Dropout, dropout));
        if (!Enum.IsDefined(typeof(TunerScaleKind), scale))
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKind, (int)scale));
        if (scale == TunerScaleKind.Lambda && kind is not (TunerKindModel.Prefix or TunerKindModel.Prompt))
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKindWithoutLambda, nameof(TunerScaleKind.Lambda)));
        if (double.IsNaN(scaleValue) || double.IsInfinity(scaleValue))
            diagnostics.Add(ParameterError(attribute, nameof(read.ScaleValue), label, nameof(read.ScaleValue), ParameterRange.Finite, scaleValue));

        if (backbone is null) return null;
        var tap = ResolveTap(attribute, backbone);
        if (tap is null) return null;

        var tapLocation = ArgumentLocation(attribute, null);
        var tuner = KindDisplay(kind);
        if (!tap.IsTensorModule)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "a parallel tap must be an nn.Module<Tensor, Tensor>"));
            return null;
        }
        if (kind is TunerKindModel.Prefix or TunerKindModel.Prompt && tap.Shape != ModuleShape.Attention)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "it needs an attention implementing ResTuning.Operators.IAttentionOperator"));
            return null;
        }
        if (kind == TunerKindModel.LoRA && tap.Shape is not (ModuleShape.Linear or ModuleShape.Conv2d or ModuleShape.Unknown))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType), "LoRA needs a Linear or a Conv2d module"));
            return null;
        }
        if (scale == TunerScaleKind.LearnedPerChannel && tap.Shape == ModuleShape.Conv2d)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, ArgumentLocation(attribute, nameof(read.Scale)), tap.Path.Text, tuner, ShortType(tap.ModuleType),
                "a per-channel scale multiplies the last axis, which on a Conv2d's [N, C, H, W] output is the width; use Fixed or LearnedScalar"));
            return null;
        }

        if (InferWidths(tap, inWidth, outWidth, features, tapLocation, tuner) is not { } widths) return null;
        var (inSpec, outSpec) = widths;

        if (ErrorCount > errors) return null;   // information (RT0040) does not stop the tuner
        return new TunerSpec(kind, name, tap, inSpec, outSpec, dim, length, rank, alpha, dropout,
            zeroInit, initStd, initRange, activation, scale, scaleValue,
            SourceText(attribute), kind == TunerKindModel.Custom ? TapResolver.FullName(attribute.AttributeClass!.TypeArguments[0]) : "");
    }

    /// <summary>
    /// A parallel tuner's input and output widths: what the attribute states, else what the tapped module tells at run time
    /// (a Linear's in/out features, an attention's embedding width), else the model's <c>Features</c>; RT0009 (and null)
    /// when none applies.
    /// </summary>
    private (Width In, Width Out)? InferWidths(ResolvedTap tap, int inWidth, int outWidth, int features, LocationInfo? tapLocation, string tuner)
    {
        switch (tap.Shape)
        {
            case ModuleShape.Linear:
                return (inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.LinearIn, 0),
                    outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.LinearOut, 0));
            case ModuleShape.Attention:
                return (inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.AttentionEmbed, 0),
                    outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.AttentionEmbed, 0));
            case ModuleShape.Conv2d or ModuleShape.Unknown when tuner == KindDisplay(TunerKindModel.LoRA):
                // A ConvLoRA reads its channels, kernel, stride, padding and dilation from the conv itself; a LoRA on a module
                // known at run time only is built by the runtime from what the module turns out to be.
                return (new Width(WidthSource.ConvIn, 0), new Width(WidthSource.ConvOut, 0));
            default:
                var width = inWidth > 0 ? inWidth : features;
                if (width <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownWidth, tapLocation, tap.Path.Text, tuner, ShortType(tap.ModuleType)));
                    return null;
                }
                return (new Width(WidthSource.Constant, width), new Width(WidthSource.Constant, outWidth > 0 ? outWidth : width));
        }
    }

    /// <summary>A registered module name TorchSharp and the tap's tuner group accept.</summary>
    private static bool IsTunerName(string name) => name.Length > 0 && name.All(c => c == '_' || char.IsLetterOrDigit(c));

    private static string BaseName(TunerKindModel kind) => kind switch
    {
        TunerKindModel.Adapter => "adapter",
        TunerKindModel.Prefix => "prefix",
        TunerKindModel.Prompt => "prompt",
        TunerKindModel.Custom => "custom",
        _ => "lora",
    };

    private static string KindDisplay(TunerKindModel kind) => kind switch
    {
        TunerKindModel.Adapter => "Res-Adapter",
        TunerKindModel.Prefix => "Res-Prefix",
        TunerKindModel.Prompt => "Res-Prompt",
        TunerKindModel.Custom => "custom tuner",
        _ => "LoRA",
    };

    private static string ShortType(string fullName)
    {
        var name = fullName.StartsWith("global::", StringComparison.Ordinal) ? fullName.Substring(8) : fullName;
        var generic = name.IndexOf('<');
        var head = generic < 0 ? name : name.Substring(0, generic);
        var dot = head.LastIndexOf('.');
        return dot < 0 ? name : name.Substring(dot + 1);
    }
}
