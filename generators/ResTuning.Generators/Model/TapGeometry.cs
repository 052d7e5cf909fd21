namespace ResTuning.Generators.Model;

/// <summary>
/// What can be told at compile time about where two tap paths sit in a backbone: whether they select a common
/// module (or one selects an ancestor of the other), and whether one surely runs before the other (elements of
/// the same list run in index order; nothing is assumed about different fields).
/// </summary>
internal static class TapGeometry
{
    /// <summary>True when the paths select a common module, or a module and one of its descendants.</summary>
    public static bool Overlap(TapPath a, TapPath b)
    {
        var common = System.Math.Min(a.Segments.Count, b.Segments.Count);
        for (var i = 0; i < common; i++)
            if (!Intersect(a.Segments[i], b.Segments[i])) return false;
        return true;
    }

    /// <summary>
    /// True when every module <paramref name="later"/> selects runs before every module <paramref name="earlier"/>
    /// selects: at the first segment where they part, both pick elements of the same list and all of
    /// <paramref name="later"/>'s indices are below <paramref name="earlier"/>'s.
    /// </summary>
    public static bool SurelyBefore(TapPath later, TapPath earlier)
    {
        var common = System.Math.Min(later.Segments.Count, earlier.Segments.Count);
        for (var i = 0; i < common; i++)
        {
            var l = later.Segments[i];
            var e = earlier.Segments[i];
            if (Intersect(l, e))
            {
                if (l.Kind == PathSegmentKind.Name || (l.Kind == PathSegmentKind.Index && e.Kind == PathSegmentKind.Index)) continue;
                return false; // a shared wildcard/range: the paths interleave element by element
            }
            return l.Kind != PathSegmentKind.Name && e.Kind != PathSegmentKind.Name && Upper(l) <= Lower(e);
        }
        return false;
    }

    private static bool Intersect(PathSegment a, PathSegment b)
    {
        if (a.Kind == PathSegmentKind.Name || b.Kind == PathSegmentKind.Name)
            return a.Kind == b.Kind && a.Text == b.Text;
        return Lower(a) < Upper(b) && Lower(b) < Upper(a);
    }

    // Index sets as half-open intervals [Lower, Upper).
    private static int Lower(PathSegment s) => s.Kind == PathSegmentKind.Wildcard ? 0 : s.Start;

    private static int Upper(PathSegment s) => s.Kind switch
    {
        PathSegmentKind.Wildcard => int.MaxValue,
        PathSegmentKind.Index => s.Start + 1,
        _ => s.End,
    };
}
