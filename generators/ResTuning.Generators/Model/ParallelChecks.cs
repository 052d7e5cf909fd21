using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ResTuning.Generators.Abstractions;
using ResTuning.Generators.Diagnostics;

namespace ResTuning.Generators.Model;

/// <summary>
/// Checks of a parallel model as a whole, run after every tuner and <c>[Trainable]</c> path was parsed and resolved:
/// legal configurations a user would still not mean (RT0017–RT0021, warnings). Each check reads the valid specs only,
/// so it never repeats an error already reported on the same attribute.
/// </summary>
internal static class ParallelChecks
{
    /// <summary>Runs every check.</summary>
    /// <param name="typeName">The annotated class.</param>
    /// <param name="declaration">Its declaration (for the location of class-level warnings).</param>
    /// <param name="tuners">The valid tuners, in attribute order.</param>
    /// <param name="tunerAttributes">The attribute each of <paramref name="tuners"/> came from.</param>
    /// <param name="trainable">The resolved <c>[Trainable]</c> paths, in attribute order.</param>
    /// <param name="trainableAttributes">The attribute each of <paramref name="trainable"/> came from.</param>
    /// <param name="diagnostics">Where warnings are added.</param>
    public static void Check(string typeName, SyntaxNode declaration, IReadOnlyList<TunerSpec> tuners, IReadOnlyList<AttributeData> tunerAttributes,
        IReadOnlyList<TrainableSpec> trainable, IReadOnlyList<AttributeData> trainableAttributes, List<DiagnosticInfo> diagnostics)
    {
        var hasErrors = diagnostics.Any(d => d.IsError);
        if (!hasErrors && tuners.Count == 0 && trainable.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NothingToTrain, ConfigurationParser.IdentifierLocation(declaration), typeName));
        NameClashes(tuners, tunerAttributes, diagnostics);
        DuplicateTuners(tuners, tunerAttributes, diagnostics);
        ZeroFixedScales(tuners, tunerAttributes, diagnostics);
        TrainableTaps(tuners, trainable, trainableAttributes, diagnostics);
        RedundantTrainables(trainable, trainableAttributes, diagnostics);
    }

    /// <summary>
    /// RT0026: a later tuner with the same name as an earlier one on a module both select (the name is the tuner's key in
    /// the state dict and on its tap). An exact copy of an earlier tuner also gets RT0017, whose fix removes it.
    /// </summary>
    private static void NameClashes(IReadOnlyList<TunerSpec> tuners, IReadOnlyList<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
    {
        for (var j = 0; j < tuners.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                if (tuners[i].Name != tuners[j].Name || !TapOverlap.SelectSameModule(tuners[i].Tap, tuners[j].Tap)) continue;
                var location = ConfigurationParser.ArgumentLocation(attributes[j], "Name");
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TunerNameClash, location,
                    tuners[j].Source, tuners[i].Source, tuners[j].Name, tuners[j].Tap.Path.Text));
                break;
            }
        }
    }

    /// <summary>RT0017: a tuner of the same kind, on the same tap text, with the same parameters as an earlier one.</summary>
    private static void DuplicateTuners(IReadOnlyList<TunerSpec> tuners, IReadOnlyList<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
    {
        var seen = new HashSet<TunerSpec>();
        for (var i = 0; i < tuners.Count; i++)
        {
            // The name and the source text (argument order, spelling) do not change what is trained.
            if (!seen.Add(tuners[i] with { Name = "", Source = "" }))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTuner, AttributeLocation(attributes[i]),
                    tuners[i].Source, tuners[i].Tap.Path.Text));
        }
    }

    /// <summary>RT0021: a fixed scale of 0 multiplies the tuner's output by 0: it neither changes the model nor learns.</summary>
    private static void ZeroFixedScales(IReadOnlyList<TunerSpec> tuners, IReadOnlyList<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < tuners.Count; i++)
        {
            if (tuners[i].Scale == TunerScaleKind.Fixed && tuners[i].ScaleValue == 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ZeroFixedScale, ConfigurationParser.ArgumentLocation(attributes[i], "ScaleValue"),
                    tuners[i].Source));
        }
    }

    /// <summary>RT0018: a [Trainable] module that is, or contains, the operator a tuner is attached to.</summary>
    private static void TrainableTaps(IReadOnlyList<TunerSpec> tuners, IReadOnlyList<TrainableSpec> trainable, IReadOnlyList<AttributeData> attributes,
        List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < trainable.Count; i++)
        {
            var tuner = tuners.FirstOrDefault(t => TapOverlap.Touches(trainable[i].Tap, t.Tap));
            if (tuner is not null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TrainableTap, ConfigurationParser.ArgumentLocation(attributes[i], null),
                    trainable[i].Tap.Path.Text, tuner.Source));
        }
    }

    /// <summary>RT0019: a [Trainable] path whose modules an earlier (or a wider) [Trainable] path already keeps trainable.</summary>
    private static void RedundantTrainables(IReadOnlyList<TrainableSpec> trainable, IReadOnlyList<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < trainable.Count; i++)
        {
            for (var j = 0; j < trainable.Count; j++)
            {
                if (i == j || !TapOverlap.Covers(trainable[j].Tap, trainable[i].Tap)) continue;
                // Two paths that cover each other select the same modules: only the later one is redundant.
                if (j > i && TapOverlap.Covers(trainable[i].Tap, trainable[j].Tap)) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RedundantTrainable, ConfigurationParser.ArgumentLocation(attributes[i], null),
                    trainable[i].Tap.Path.Text, trainable[j].Tap.Path.Text));
                break;
            }
        }
    }

    private static LocationInfo? AttributeLocation(AttributeData attribute) => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
}
