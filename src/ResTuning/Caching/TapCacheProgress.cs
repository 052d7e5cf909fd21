namespace ResTuning.Caching;

/// <summary>Progress of an extraction, reported after every batch.</summary>
/// <param name="Done">Examples (times views) extracted so far by this process.</param>
/// <param name="Total">Examples (times views) this process extracts.</param>
/// <param name="Elapsed">Time since the extraction started.</param>
public sealed record TapCacheProgress(long Done, long Total, TimeSpan Elapsed)
{
    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
