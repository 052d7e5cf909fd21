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
    /// <param name="tuners">The valid tuners, in attribute order, each with the attribute it came from (for locations).</param>
    /// <param name="trainable">The resolved <c>[Trainable]</c> paths, in attribute order, each with its attribute.</param>
    /// <param name="diagnostics">Where warnings are added.</param>
    public static void Check(string typeName, SyntaxNode declaration, IReadOnlyList<Parsed<TunerSpec>> tuners, IReadOnlyList<Parsed<TrainableSpec>> trainable,
        List<DiagnosticInfo> diagnostics)
    {
        var hasErrors = diagnostics.Any(d => d.IsError);
        if (!hasErrors && tuners.Count == 0 && trainable.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NothingToTrain, ConfigurationParser.IdentifierLocation(declaration), typeName));
        NameClashes(tuners, diagnostics);
        DuplicateTuners(tuners, diagnostics);
        ZeroFixedScales(tuners, diagnostics);
        TrainableTaps(tuners, trainable, diagnostics);
        RedundantTrainables(trainable, diagnostics);
    }

    /// <summary>
    /// RT0026: a later tuner with the same name as an earlier one on a module both select (the name is the tuner's key in
    /// the state dict and on its tap). An exact copy of an earlier tuner also gets RT0017, whose fix removes it.
    /// </summary>
    private static void NameClashes(IReadOnlyList<Parsed<TunerSpec>> tuners, List<DiagnosticInfo> diagnostics)
    {
        for (var j = 0; j < tuners.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                if (tuners[i].Spec.Name != tuners[j].Spec.Name || !TapOverlap.SelectSameModule(tuners[i].Spec.Tap, tuners[j].Spec.Tap)) continue;
                var location = ConfigurationParser.ArgumentLocation(tuners[j].Attribute, "Name");
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TunerNameClash, location,
                    tuners[j].Spec.Source, tuners[i].Spec.Source, tuners[j].Spec.Name, tuners[j].Spec.Tap.Path.Text));
                break;
            }
        }
    }

    /// <summary>RT0017: a tuner of the same kind, on the same tap text, with the same parameters as an earlier one.</summary>
    private static void DuplicateTuners(IReadOnlyList<Parsed<TunerSpec>> tuners, List<DiagnosticInfo> diagnostics)
    {
        var seen = new HashSet<TunerSpec>();
        for (var i = 0; i < tuners.Count; i++)
        {
            // The name and the source text (argument order, spelling) do not change what is trained.
            if (!seen.Add(tuners[i].Spec with { Name = "", Source = "" }))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateTuner, AttributeLocation(tuners[i].Attribute),
                    tuners[i].Spec.Source, tuners[i].Spec.Tap.Path.Text));
        }
    }

    /// <summary>RT0021: a fixed scale of 0 multiplies the tuner's output by 0: it neither changes the model nor learns.</summary>
    private static void ZeroFixedScales(IReadOnlyList<Parsed<TunerSpec>> tuners, List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < tuners.Count; i++)
        {
            if (tuners[i].Spec.Scale == TunerScaleKind.Fixed && tuners[i].Spec.ScaleValue == 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ZeroFixedScale, ConfigurationParser.ArgumentLocation(tuners[i].Attribute, "ScaleValue"),
                    tuners[i].Spec.Source));
        }
    }

    /// <summary>RT0018: a [Trainable] module that is, or contains, the operator a tuner is attached to.</summary>
    private static void TrainableTaps(IReadOnlyList<Parsed<TunerSpec>> tuners, IReadOnlyList<Parsed<TrainableSpec>> trainable, List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < trainable.Count; i++)
        {
            var tuner = tuners.Select(t => t.Spec).FirstOrDefault(t => TapOverlap.Touches(trainable[i].Spec.Tap, t.Tap));
            if (tuner is not null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TrainableTap, ConfigurationParser.ArgumentLocation(trainable[i].Attribute, null),
                    trainable[i].Spec.Tap.Path.Text, tuner.Source));
        }
    }

    /// <summary>RT0019: a [Trainable] path whose modules an earlier (or a wider) [Trainable] path already keeps trainable.</summary>
    private static void RedundantTrainables(IReadOnlyList<Parsed<TrainableSpec>> trainable, List<DiagnosticInfo> diagnostics)
    {
        for (var i = 0; i < trainable.Count; i++)
        {
            for (var j = 0; j < trainable.Count; j++)
            {
                if (i == j || !TapOverlap.Covers(trainable[j].Spec.Tap, trainable[i].Spec.Tap)) continue;
                // Two paths that cover each other select the same modules: only the later one is redundant.
                if (j > i && TapOverlap.Covers(trainable[i].Spec.Tap, trainable[j].Spec.Tap)) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RedundantTrainable, ConfigurationParser.ArgumentLocation(trainable[i].Attribute, null),
                    trainable[i].Spec.Tap.Path.Text, trainable[j].Spec.Tap.Path.Text));
                break;
            }
        }
    }

    private static LocationInfo? AttributeLocation(AttributeData attribute) => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
}

/// <summary>A parsed spec with the attribute it came from, so checks of the whole model can still point at the attribute.</summary>
/// <typeparam name="TSpec">The spec.</typeparam>
internal readonly record struct Parsed<TSpec>(TSpec Spec, AttributeData Attribute);
