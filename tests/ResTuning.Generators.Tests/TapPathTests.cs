using ResTuning.Generators.Model;

namespace ResTuning.Generators.Tests;

/// <summary>The typed tap-path model.</summary>
public sealed class TapPathTests
{
    [Fact]
    public void Parses_names_indices_wildcards_and_end_exclusive_ranges()
    {
        var path = TapPath.TryParse("blocks.0..6.attn.*.3", out var error);
        Assert.Null(error);
        Assert.NotNull(path);
        Assert.Equal(new[] { PathSegmentKind.Name, PathSegmentKind.Range, PathSegmentKind.Name, PathSegmentKind.Wildcard, PathSegmentKind.Index },
            path!.Segments.Select(s => s.Kind));
        var range = path.Segments[1];
        Assert.Equal((0, 6, 7, 4), (range.Start, range.End, range.Offset, range.Length));
        Assert.Equal((3, 4), (path.Segments[4].Start, path.Segments[4].End));
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("blocks..mlp", 0, 11)]
    [InlineData("blocks.5..2", 7, 4)]
    [InlineData("blocks.-1", 7, 2)]
    [InlineData("blocks.m-lp", 7, 4)]
    [InlineData(".blocks", 0, 0)]
    public void Reports_where_a_path_is_malformed(string text, int offset, int length)
    {
        Assert.Null(TapPath.TryParse(text, out var error));
        Assert.NotNull(error);
        Assert.Equal((offset, length), (error!.Offset, error.Length));
    }

    [Fact]
    public void Equal_paths_are_equal_values()
    {
        Assert.Equal(TapPath.TryParse("blocks.*.mlp", out _), TapPath.TryParse("blocks.*.mlp", out _));
        Assert.NotEqual(TapPath.TryParse("blocks.*.mlp", out _), TapPath.TryParse("blocks.*.attn", out _));
    }
}
