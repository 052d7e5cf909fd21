namespace ResTuning.Generators.Model;

/// <summary>
/// Bypass widths: the width of every tap, from <c>Widths</c> or <c>Features</c>, checked against the tap count and the
/// tuners that need them (RT0034, RT0035).
/// </summary>
internal sealed partial class ModelParser
{
    /// <summary>The widths of x_0..x_L: one entry when uniform, one per tap from <c>Widths</c>, none when not needed.</summary>
    private List<int> ResolveWidths(AttributeData modeAttribute, int features, List<int> widths, int tapCount, BypassTunerSpec lateral, BypassTunerSpec vertical, int classes)
    {
        if (widths.Count > 0)
        {
            var location = ArgumentLocation(modeAttribute, "Widths");
            if (tapCount < 0)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthsMismatch, location, type.Name,
                    "need the number of taps at compile time; tap explicit indices or a list with [ModuleCount], or use Features"));
            else if (widths.Count != tapCount)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WidthsMismatch, location, type.Name,
                    $"has {widths.Count} entries but the bypass has {tapCount} taps (x_0 and {tapCount - 1} after it); give one width per tap"));
            return widths;
        }
        if (features > 0) return new List<int> { features };
        var needs = new List<string>();
        if (lateral.Kind != BypassTunerKind.Identity) needs.Add("its lateral tuners");
        if (vertical.Kind != BypassTunerKind.Identity) needs.Add("its vertical tuners");
        if (classes > 0) needs.Add("its head");
        if (needs.Count > 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BypassWidthUnknown, IdentifierLocation(declaration), type.Name, string.Join(" and ", needs)));
        return new List<int>();
    }
}
