using ResTuning.Generators.Tuners;
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
        if (BeginMode(modeAttribute, ParallelAttribute, ModelMode.Parallel, ParallelMembers) is not var (typeSpec, backbone))
            return ModelResult.None;
        var mode = AttributeReader.Read<ResTuningAttribute<object>>(modeAttribute) ?? new ResTuningAttribute<object>();
        var features = mode.Features;
        if (!ParameterRange.PositiveOrInfer.Allows(features)) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Features), "[ResTuning]", nameof(mode.Features), ParameterRange.PositiveOrInfer, features));

        var tuners = new List<TunerSpec>();
        var trainable = new List<TrainableSpec>();
        var parsedTuners = new List<Parsed<TunerSpec>>();
        var parsedTrainable = new List<Parsed<TrainableSpec>>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = AttributeName(attribute);
            if (name == nameof(TrainableAttribute))
            {
                if (backbone is not null && ResolveTap(attribute, backbone) is { } kept)
                {
                    trainable.Add(new TrainableSpec(kept, SourceText(attribute)));
                    parsedTrainable.Add(new Parsed<TrainableSpec>(trainable[trainable.Count - 1], attribute));
                }
                continue;
            }
            if (TunerKinds.ReaderOf(name) is not { } kind) continue;

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
            ? Shell(ModelMode.Parallel, typeSpec, backbone, hasLoRA: type.GetAttributes().Any(attr => TunerKinds.IsMergeable(AttributeName(attr))))
            : null;
        return new ModelResult(spec, null, diagnostics.ToEquatableArray(), shell);
    }

    /// <summary>
    /// One tuner: its attribute read and checked by its kind (RT0008, and the kind's own checks), then its tap resolved and
    /// checked (RT0007), then its widths; null after any error.
    /// </summary>
    private TunerSpec? ParseTuner(Func<TunerReading, TunerKindSpec> readKind, AttributeData attribute, ITypeSymbol? backbone, int features)
    {
        var label = $"[{AttributeName(attribute).Replace("Attribute`1", "").Replace("Attribute", "")}(\"{TapText(attribute)}\")]";
        var errors = ErrorCount;
        // The attribute as its own type: what the user left out keeps the attribute's default.
        var read = AttributeReader.Read<TunerAttribute>(attribute);
        if (read is null) return null;
        // A default name is always valid, so the name is checked before the kind that supplies it.
        if (read.Name is { } given && !IsTunerName(given))
            diagnostics.Add(ParameterError(attribute, nameof(read.Name), label, nameof(read.Name), ParameterRange.TunerName, "\"" + given + "\""));
        var kind = readKind(new TunerReading(attribute, read, label, known, diagnostics));
        var scale = read.Scale;
        var scaleValue = read.ScaleValue;
        // A tuner's state-dict name depends on its tap and this name only, never on attribute order (see TunerAttribute.Name).
        var name = read.Name ?? kind.DefaultName;
        if (read.Name is null && !IsTunerName(name))
            diagnostics.Add(ParameterError(attribute, nameof(read.Name), label, nameof(read.Name), ParameterRange.TunerName, "\"" + name + "\""));

        if (!Enum.IsDefined(typeof(TunerScaleKind), scale))
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKind, (int)scale));
        if (scale == TunerScaleKind.Lambda && !kind.TakesLambda)
            diagnostics.Add(ParameterError(attribute, nameof(read.Scale), label, nameof(read.Scale), ParameterRange.ScaleKindWithoutLambda, nameof(TunerScaleKind.Lambda)));
        if (double.IsNaN(scaleValue) || double.IsInfinity(scaleValue))
            diagnostics.Add(ParameterError(attribute, nameof(read.ScaleValue), label, nameof(read.ScaleValue), ParameterRange.Finite, scaleValue));

        if (backbone is null) return null;
        var tap = ResolveTap(attribute, backbone);
        if (tap is null) return null;

        var tapLocation = ArgumentLocation(attribute, null);
        if (!tap.IsTensorModule)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, tapLocation, tap.Path.Text, kind.Display, ShortType(tap.ModuleType), "a parallel tap must be an nn.Module<Tensor, Tensor>"));
            return null;
        }
        if (kind.CheckTap(tap, tapLocation, ShortType(tap.ModuleType)) is { } incompatible)
        {
            diagnostics.Add(incompatible);
            return null;
        }
        // A module whose type does not say what it is, where the kind would refuse a plain module: the runtime's factory
        // (LoRAFactory, DoRA.For, ChannelAdapterFactory) checks it at construction; say so (RT0042). Runtime-looked-up taps
        // already carry RT0040.
        if (tap.Shape == ModuleShape.Unknown && !tap.IsCheckedAtRunTime && kind.CheckTap(tap with { Shape = ModuleShape.Other }, tapLocation, "") is not null)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModuleKindAtRunTime, tapLocation, tap.Path.Text, kind.Display));
        if (scale == TunerScaleKind.LearnedPerChannel && kind.OutputsFeatureMap(tap))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, ArgumentLocation(attribute, nameof(read.Scale)), tap.Path.Text, kind.Display, ShortType(tap.ModuleType),
                tap.Shape == ModuleShape.Conv2d
                    ? "a per-channel scale multiplies the last axis, which on a Conv2d's [N, C, H, W] output is the width; use Fixed or LearnedScalar"
                    : "a per-channel scale multiplies the last axis, which on an [N, C, H, W] feature map is the width; use Fixed or LearnedScalar"));
            return null;
        }

        if (InferWidths(tap, kind, features, tapLocation) is not { } widths) return null;

        if (ErrorCount > errors) return null;   // information (RT0040) does not stop the tuner
        return new TunerSpec(kind, name, tap, widths.In, widths.Out, scale, scaleValue, SourceText(attribute));
    }

    /// <summary>
    /// A parallel tuner's input and output widths: what the attribute states, else what the tapped module tells at run time
    /// (a Linear's in/out features, an attention's embedding width), else the model's <c>Features</c>; RT0009 (and null)
    /// when none applies.
    /// </summary>
    private (Width In, Width Out)? InferWidths(ResolvedTap tap, TunerKindSpec kind, int features, LocationInfo? tapLocation)
    {
        if (kind.OwnWidths(tap) is { } own) return own;
        var (inWidth, outWidth) = kind.StatedWidths;
        switch (tap.Shape)
        {
            case ModuleShape.Linear:
                return (inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.LinearIn, 0),
                    outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.LinearOut, 0));
            case ModuleShape.Attention:
                return (inWidth > 0 ? new Width(WidthSource.Constant, inWidth) : new Width(WidthSource.AttentionEmbed, 0),
                    outWidth > 0 ? new Width(WidthSource.Constant, outWidth) : new Width(WidthSource.AttentionEmbed, 0));
            default:
                var width = inWidth > 0 ? inWidth : features;
                if (width <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownWidth, tapLocation, tap.Path.Text, kind.Display, ShortType(tap.ModuleType)));
                    return null;
                }
                return (new Width(WidthSource.Constant, width), new Width(WidthSource.Constant, outWidth > 0 ? outWidth : width));
        }
    }

    /// <summary>A registered module name TorchSharp and the tap's tuner group accept.</summary>
    private static bool IsTunerName(string name) => name.Length > 0 && name.All(c => c == '_' || char.IsLetterOrDigit(c));

    private static string ShortType(string fullName)
    {
        var name = fullName.StartsWith("global::", StringComparison.Ordinal) ? fullName.Substring(8) : fullName;
        var generic = name.IndexOf('<');
        var head = generic < 0 ? name : name.Substring(0, generic);
        var dot = head.LastIndexOf('.');
        return dot < 0 ? name : name.Substring(dot + 1);
    }
}
