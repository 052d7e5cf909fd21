using System.Globalization;

namespace ResTuning.Caching;

/// <summary>
/// Part <see cref="Index"/> of <see cref="Count"/> of a sharded extraction (<c>--shard i --of N</c>): examples
/// <c>floor(i·E/N)</c> up to <c>floor((i+1)·E/N)</c>. The N parts are disjoint and cover every example; N processes or machines
/// extract them into one shared folder and <see cref="TapCache.Merge"/> joins their manifests.
/// </summary>
/// <param name="Index">The part, 0..Count-1 (e.g. a Kubernetes <c>JOB_COMPLETION_INDEX</c> or <c>SLURM_ARRAY_TASK_ID</c>).</param>
/// <param name="Count">Number of parts N.</param>
public readonly record struct TapCachePart(int Index, int Count)
{
    /// <summary>Throws an <see cref="ArgumentException"/> unless 0 ≤ Index &lt; Count.</summary>
    public void Validate()
    {
        if (Count <= 0) throw new ArgumentException($"The number of parts must be positive (got --of {Count}).", nameof(Count));
        if (Index < 0 || Index >= Count)
            throw new ArgumentException($"Part index {Index} is outside 0..{Count - 1} (--shard i --of {Count} takes i from 0 to {Count - 1}).", nameof(Index));
    }

    /// <summary>The examples of this part: <c>[Begin, End)</c> of <paramref name="examples"/>.</summary>
    public (long Begin, long End) Range(long examples)
    {
        Validate();
        return (examples * Index / Count, examples * (Index + 1) / Count);
    }

    /// <summary>File name of this part's manifest, <c>part-i-of-N.json</c>.</summary>
    public string ManifestFileName => string.Create(CultureInfo.InvariantCulture, $"part-{Index}-of-{Count}.json");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"part {Index} of {Count}");
}
