namespace ResTuning.Caching;

/// <summary>
/// A tap cache cannot be used: it was built for another backbone, tap configuration, preprocessing, dtype or
/// example count, a shard is missing, truncated or corrupt, or the parts of a sharded extraction do not fit
/// together. Thrown before any cached tap is read, with a message naming what is wrong and how to fix it.
/// </summary>
public sealed class TapCacheException : UnusableFileException
{
    /// <summary>Creates the exception for the cache at <paramref name="path"/>.</summary>
    /// <param name="path">The cache folder or the file at fault.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public TapCacheException(string path, string message, Exception? inner = null) : base("Tap cache", path, message, inner)
    {
    }
}
