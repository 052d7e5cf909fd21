namespace ResTuning.Generators.Model;

/// <summary>
/// Set relations between resolved taps, step by step: name steps (fields, registry children, dictionary keys) match
/// when they name the same child; list steps select index intervals (<c>*</c> selects them all) that may intersect.
/// </summary>
internal static class TapOverlap
{
    /// <summary>
    /// True when every module <paramref name="inner"/> selects is selected by <paramref name="outer"/> or lies inside
    /// one it selects (outer's path is a prefix of inner's, each list interval of outer covering inner's).
    /// </summary>
    public static bool Covers(ResolvedTap outer, ResolvedTap inner) => Relates(outer, inner, requireCover: true);

    /// <summary>
    /// True when some module <paramref name="inner"/> selects is selected by <paramref name="outer"/> or lies inside
    /// one it selects (outer's path is a prefix of inner's, each list interval of outer intersecting inner's).
    /// </summary>
    public static bool Touches(ResolvedTap outer, ResolvedTap inner) => Relates(outer, inner, requireCover: false);

    /// <summary>True when the taps select a common module (not merely a module and one of its descendants).</summary>
    public static bool SelectSameModule(ResolvedTap a, ResolvedTap b) => a.Steps.Count == b.Steps.Count && Touches(a, b);

    /// <summary>True when the taps select a common module, or a module and one of its descendants.</summary>
    public static bool Overlap(ResolvedTap a, ResolvedTap b) => Touches(a, b) || Touches(b, a);

    /// <summary>
    /// True when every module <paramref name="later"/> selects surely runs before every module <paramref name="earlier"/>
    /// selects: at the first step where they part, both pick elements of the same list and all of <paramref name="later"/>'s
    /// indices are below <paramref name="earlier"/>'s (nothing is assumed about the order of different fields).
    /// </summary>
    public static bool SurelyBefore(ResolvedTap later, ResolvedTap earlier)
    {
        var common = System.Math.Min(later.Steps.Count, earlier.Steps.Count);
        for (var i = 0; i < common; i++)
        {
            var a = later.Steps[i];
            var b = earlier.Steps[i];
            var aList = a.IsLoop || IsIndex(a);
            var bList = b.IsLoop || IsIndex(b);
            if (aList && bList)
            {
                var (aStart, aEnd) = Interval(a);
                var (bStart, bEnd) = Interval(b);
                if (aStart < bEnd && bStart < aEnd)
                {
                    if (IsIndex(a) && IsIndex(b)) continue;
                    return false; // a shared wildcard/range: the paths interleave element by element
                }
                return aEnd <= bStart;
            }
            if (aList || bList || a.Kind != b.Kind || a.Name != b.Name) return false;
        }
        return false;
    }

    private static bool Relates(ResolvedTap outer, ResolvedTap inner, bool requireCover)
    {
        if (outer.Steps.Count > inner.Steps.Count) return false;
        for (var i = 0; i < outer.Steps.Count; i++)
        {
            var a = outer.Steps[i];
            var b = inner.Steps[i];
            if (a.IsLoop || IsIndex(a))
            {
                if (!(b.IsLoop || IsIndex(b))) return false;
                var (aStart, aEnd) = Interval(a);
                var (bStart, bEnd) = Interval(b);
                var related = requireCover ? aStart <= bStart && bEnd <= aEnd : aStart < bEnd && bStart < aEnd;
                if (!related) return false;
            }
            else if (a.Kind != b.Kind || a.Name != b.Name)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsIndex(AccessStep step) => step.Kind is StepKind.ListIndex or StepKind.SequentialIndex;

    /// <summary>The selected indices as [start, end); every element is [0, ∞).</summary>
    private static (long Start, long End) Interval(AccessStep step) => step.Kind switch
    {
        StepKind.ListEach or StepKind.SequentialEach => (0, long.MaxValue),
        StepKind.ListIndex or StepKind.SequentialIndex => (step.Start, step.Start + 1L),
        _ => (step.Start, step.End),
    };
}
