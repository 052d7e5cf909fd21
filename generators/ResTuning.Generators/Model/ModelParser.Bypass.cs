using System.Globalization;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Tuners;
using static ResTuning.Generators.Model.ConfigurationParser;

namespace ResTuning.Generators.Model;

/// <summary>The bypass and multi-task modes of <see cref="ConfigurationParser"/>.</summary>
internal sealed partial class ModelParser
{
    /// <summary>Parses and checks a class annotated with the bypass mode attribute.</summary>
    public ModelResult ParseBypass(AttributeData modeAttribute)
    {
        if (BeginMode(modeAttribute, BypassAttribute, ModelMode.Bypass, BypassMembers, allowTwoInputs: true) is not var (typeSpec, backbone))
            return ModelResult.None;
        var inputs = backbone is not null && known.IsTwoInputTensorModule(backbone) ? 2 : 1;
        // The mode attribute as its own type: what the user left out keeps the attribute's default.
        var mode = AttributeReader.Read<ResTuningBypassAttribute<object>>(modeAttribute) ?? new ResTuningBypassAttribute<object>();
        var classes = mode.Classes;
        if (!ParameterRange.NonNegative.Allows(classes)) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Classes), "[ResTuningBypass]", nameof(mode.Classes), ParameterRange.NonNegative, classes));
        var features = mode.Features;
        if (features < 0)
            diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Features), "[ResTuningBypass]", nameof(mode.Features), ParameterRange.BypassFeatures(widthsGiven: mode.Widths is not null), features));
        var widths = (mode.Widths ?? Array.Empty<int>()).ToList();
        for (var i = 0; i < widths.Count; i++)
            if (!ParameterRange.Positive.Allows(widths[i])) diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Widths), "[ResTuningBypass]", $"Widths[{i}]", ParameterRange.Positive, widths[i]));
        var lambda = mode.Lambda;
        if (!double.IsNaN(lambda) && !ParameterRange.UnitInterval.Allows(lambda))
            diagnostics.Add(ParameterError(modeAttribute, nameof(mode.Lambda), "[ResTuningBypass]", nameof(mode.Lambda), ParameterRange.UnitInterval, lambda));

        AttributeData? tapsAttribute = null;
        BypassTunerSpec? lateral = null, vertical = null;
        AttributeData? lateralAttribute = null, verticalAttribute = null;
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (AttributeName(attribute))
            {
                case nameof(BypassTapsAttribute):
                    tapsAttribute = attribute;
                    break;
                case nameof(LateralAttribute):
                    lateralAttribute = attribute;
                    break;
                case nameof(VerticalAttribute):
                    verticalAttribute = attribute;
                    break;
                case var name when name == nameof(TrainableAttribute) || TunerKinds.IsTuner(name):
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IgnoredInBypass, LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax()),
                        SourceText(attribute), type.Name, name == nameof(TrainableAttribute)
                            ? "train a head or the bypass instead"
                            : "use [Lateral]/[Vertical] for the bypass tuners, or [ResTuning<T>] for parallel tuners"));
                    break;
            }
        }

        ResolvedTap? start = null, output = null;
        var taps = new List<ResolvedTap>();
        var tapOffsets = new List<int>();
        if (tapsAttribute is null || NamedString(tapsAttribute, "Taps") is null)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassWithoutTaps, IdentifierLocation(declaration), type.Name));
        else if (backbone is not null)
        {
            var before = diagnostics.Count;
            start = ResolveSingle(tapsAttribute, "Start", backbone);
            output = ResolveSingle(tapsAttribute, "Output", backbone);
            ResolveTapList(tapsAttribute, backbone, taps, tapOffsets);
            if (diagnostics.Count == before) CheckTapGeometry(tapsAttribute, start, taps, tapOffsets, output);
        }

        var reenters = output is not null || (tapsAttribute is not null && NamedString(tapsAttribute, "Output") is not null);
        if (reenters && classes > 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HeadWithReentry, ArgumentLocation(modeAttribute, "Classes"), type.Name,
                classes.ToString(CultureInfo.InvariantCulture), NamedString(tapsAttribute!, "Output") ?? ""));
        // Without [Lateral]/[Vertical]: the attributes' own defaults (adapters), laterals residual when re-entering.
        lateral = lateralAttribute is null
            ? BypassTuner(new LateralAttribute(TunerDefaults.BypassTuner), reenters)
            : ParseBypassTuner(lateralAttribute, "[Lateral]", reenters);
        vertical = verticalAttribute is null
            ? BypassTuner(new VerticalAttribute(TunerDefaults.BypassTuner), false)
            : ParseBypassTuner(verticalAttribute, "[Vertical]", false);

        var step = FeatureMapStepOf(tapsAttribute);
        var tapCount = TapCount(taps);
        // Widths are only checked on otherwise valid taps and parameters, so one mistake gives one diagnostic.
        var hasErrorsSoFar = HasErrors;
        var resolvedWidths = hasErrorsSoFar ? new List<int>() : ResolveWidths(modeAttribute, features, widths, tapCount, lateral, vertical, classes);

        var hasErrors = HasErrors;
        BypassSpec? spec = null;
        if (!hasErrors && typeSpec is not null && backbone is not null && taps.Count > 0)
        {
            var learn = mode.LearnLambda;
            spec = new BypassSpec(typeSpec, TapResolver.FullName(backbone), start, taps.ToEquatableArray(), output, lateral, vertical,
                resolvedWidths.ToEquatableArray(), step, classes, lambda, learn,
                BypassParameterCount.Of(tapCount, resolvedWidths, lateral, vertical, step, learn, classes),
                SourceText(modeAttribute), inputs);
        }
        var shell = spec is null && hasErrors ? Shell(ModelMode.Bypass, typeSpec, backbone, inputs) : null;
        return new ModelResult(null, spec, diagnostics.ToEquatableArray(), shell);
    }

    /// <summary>Upsample, Downsample or neither; both is RT0008 on <c>Downsample</c>.</summary>
    private FeatureMapStep FeatureMapStepOf(AttributeData? tapsAttribute)
    {
        if (tapsAttribute is null || AttributeReader.Read<BypassTapsAttribute>(tapsAttribute) is not { } read) return FeatureMapStep.None;
        if (read.Upsample && read.Downsample)
            diagnostics.Add(ParameterError(tapsAttribute, nameof(read.Downsample), "[BypassTaps]", nameof(read.Downsample), ParameterRange.FalseWithUpsample, true));
        return read.Upsample ? FeatureMapStep.Upsample : read.Downsample ? FeatureMapStep.Downsample : FeatureMapStep.None;
    }

    private BypassTunerSpec ParseBypassTuner(AttributeData attribute, string label, bool residualByDefault)
    {
        var read = AttributeReader.Read<BypassTunerAttribute>(attribute) ?? new LateralAttribute(TunerDefaults.BypassTuner);
        var kind = read.Kind;
        // Residual is a plain bool: "not written" is told apart by the absence of the named argument.
        var residual = Named(attribute, nameof(read.Residual)) is null ? residualByDefault : read.Residual;
        switch (kind)
        {
            case BypassTunerKind.Adapter:
                if (!ParameterRange.Positive.Allows(read.Dim)) diagnostics.Add(ParameterError(attribute, nameof(read.Dim), label, nameof(read.Dim), ParameterRange.Positive, read.Dim));
                break;
            case BypassTunerKind.LoRA:
                if (!ParameterRange.Positive.Allows(read.Rank)) diagnostics.Add(ParameterError(attribute, nameof(read.Rank), label, nameof(read.Rank), ParameterRange.Positive, read.Rank));
                if (!ParameterRange.Positive.Allows(read.Alpha)) diagnostics.Add(ParameterError(attribute, nameof(read.Alpha), label, nameof(read.Alpha), ParameterRange.Positive, read.Alpha));
                break;
            case BypassTunerKind.Identity:
                break;
            default:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParameterOutOfRange, ArgumentLocation(attribute, null), label, "the tuner kind", "a BypassTunerKind",
                    ((int)kind).ToString(CultureInfo.InvariantCulture)));
                break;
        }
        if (!ParameterRange.Dropout.Allows(read.Dropout)) diagnostics.Add(ParameterError(attribute, nameof(read.Dropout), label, nameof(read.Dropout), ParameterRange.Dropout, read.Dropout));
        return BypassTuner(read, residual);
    }

    private static BypassTunerSpec BypassTuner(BypassTunerAttribute read, bool residual) =>
        new(read.Kind, read.Dim, read.Rank, read.Alpha, read.Dropout, residual);

}
