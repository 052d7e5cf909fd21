namespace ResTuning.Caching;

/// <summary>How thoroughly <see cref="TapCache.Open(string, TapCacheKey, TapCacheVerification)"/> checks the shard files.</summary>
public enum TapCacheVerification
{
    /// <summary>
    /// Every shard's header, tensor names, shapes, dtype and byte length, and the SHA-256 of its data section against the
    /// manifest (reads every byte once; refuses truncated and corrupt shards).
    /// </summary>
    Checksums,

    /// <summary>Headers, shapes and byte lengths only (refuses missing and truncated shards; fast for large caches).</summary>
    Sizes,
}
