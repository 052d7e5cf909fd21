using System.Globalization;

namespace ResTuning.Generators.Model;

/// <summary>What one dot-separated segment of a tap path selects.</summary>
internal enum PathSegmentKind
{
    /// <summary>A registered child name (<c>mlp</c>).</summary>
    Name,

    /// <summary>One element of a list (<c>3</c>).</summary>
    Index,

    /// <summary>Every element of a list (<c>*</c>).</summary>
    Wildcard,

    /// <summary>Elements <c>Start</c> (inclusive) to <c>End</c> (exclusive) of a list (<c>0..6</c>).</summary>
    Range,
}

/// <summary>One segment of a tap path; <see cref="Offset"/>/<see cref="Length"/> locate it in the path text.</summary>
internal readonly record struct PathSegment(PathSegmentKind Kind, string Text, int Start, int End, int Offset, int Length)
{
    public override string ToString() => Text;
}

/// <summary>A parsed tap path such as <c>blocks.0..6.attn.qkv</c>.</summary>
internal sealed record TapPath(string Text, EquatableArray<PathSegment> Segments)
{
    /// <summary>Parses <paramref name="text"/>; on failure returns null and describes the error.</summary>
    public static TapPath? TryParse(string? text, out TapPathError? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new TapPathError(0, text?.Length ?? 0, "the path is empty");
            return null;
        }

        var segments = new List<PathSegment>();
        var start = 0;
        var path = text!;
        while (start <= path.Length)
        {
            var dot = FindSeparator(path, start);
            var end = dot < 0 ? path.Length : dot;
            var raw = path.Substring(start, end - start);
            var segment = ParseSegment(raw, start, out error);
            if (segment is null) return null;
            segments.Add(segment.Value);
            if (dot < 0) break;
            start = dot + 1;
        }

        return new TapPath(path, segments.ToEquatableArray());
    }

    /// <summary>The next '.' that separates segments (the '..' of a range does not).</summary>
    private static int FindSeparator(string path, int from)
    {
        for (var i = from; i < path.Length; i++)
        {
            if (path[i] != '.') continue;
            if (i + 1 < path.Length && path[i + 1] == '.')
            {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    private static PathSegment? ParseSegment(string raw, int offset, out TapPathError? error)
    {
        error = null;
        if (raw.Length == 0)
        {
            error = new TapPathError(offset, 0, "a segment is empty (two dots in a row, or a leading or trailing dot)");
            return null;
        }

        if (raw == "*") return new PathSegment(PathSegmentKind.Wildcard, raw, 0, 0, offset, 1);

        var range = raw.IndexOf("..", StringComparison.Ordinal);
        if (range >= 0)
        {
            if (!TryIndex(raw.Substring(0, range), out var from) || !TryIndex(raw.Substring(range + 2), out var to))
            {
                error = new TapPathError(offset, raw.Length, $"'{raw}' is not a range; write start..end with non-negative integers, e.g. 0..6");
                return null;
            }
            if (to <= from)
            {
                error = new TapPathError(offset, raw.Length, $"the range '{raw}' is empty; the end is exclusive, so it must be greater than the start");
                return null;
            }
            return new PathSegment(PathSegmentKind.Range, raw, from, to, offset, raw.Length);
        }

        if (char.IsDigit(raw[0]))
        {
            if (!TryIndex(raw, out var index))
            {
                error = new TapPathError(offset, raw.Length, $"'{raw}' is not a valid index");
                return null;
            }
            return new PathSegment(PathSegmentKind.Index, raw, index, index + 1, offset, raw.Length);
        }

        foreach (var c in raw)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                error = new TapPathError(offset, raw.Length, $"'{raw}' is not a module name (letters, digits, underscores), an index, '*' or a range");
                return null;
            }
        }
        return new PathSegment(PathSegmentKind.Name, raw, 0, 0, offset, raw.Length);
    }

    private static bool TryIndex(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0;

    public override string ToString() => Text;
}

/// <summary>A parse error: where in the path and why.</summary>
internal sealed record TapPathError(int Offset, int Length, string Message);
