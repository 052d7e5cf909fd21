namespace ResTuning.Caching;

/// <summary>How a <see cref="TapCache"/> is extracted and what its <see cref="TapCacheKey"/> pins.</summary>
public sealed record TapCacheOptions
{
    /// <summary>
    /// Identifier of the input pipeline (data set, split, resize, normalisation, augmentation and its seed). Part of the key:
    /// a cache built with other inputs is refused.
    /// </summary>
    public required string Preprocessing { get; init; }

    /// <summary>Last tap to cache (a bypass model's <c>LastTap</c>); null caches every tap of the source.</summary>
    public int? LastTap { get; init; }

    /// <summary>Storage dtype: float32 (default; reads back exactly what the backbone computed), float16 or bfloat16 (half the bytes).</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Memory (default) or disk (needs <see cref="Directory"/>).</summary>
    public TapCacheStorage Storage { get; init; } = TapCacheStorage.Memory;

    /// <summary>The cache folder for <see cref="TapCacheStorage.Disk"/> (shared storage for a sharded extraction).</summary>
    public string? Directory { get; init; }

    /// <summary>Examples per backbone pass during extraction.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Examples per shard file (disk); smaller shards mean finer-grained atomic writes, larger ones fewer files.</summary>
    public int ExamplesPerShard { get; init; } = 256;

    /// <summary>
    /// Views per example: 1 caches the plain inputs; K &gt; 1 caches K augmented views (the augmentation applied by
    /// <see cref="TapCacheInputs"/> before extraction), for training with augmentation on a cache.
    /// </summary>
    public int Views { get; init; } = 1;

    /// <summary>
    /// The backbone whose weights the key hashes. Needed only for sources that do not expose it (not a
    /// <see cref="Bypass.HookTapSource"/> or <see cref="Bypass.VitTapSource"/>).
    /// </summary>
    public nn.Module? Backbone { get; init; }

    /// <summary>Receives progress after every extracted batch.</summary>
    public IProgress<TapCacheProgress>? Progress { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Preprocessing))
            throw new ArgumentException("Name the input preprocessing (Preprocessing): a cache must not be reused for other inputs.", nameof(Preprocessing));
        if (!TapCacheKey.StorageTypes.Contains(DType))
            throw new ArgumentException($"A tap cache stores float32, float16 or bfloat16, not {DType}.", nameof(DType));
        if (Storage == TapCacheStorage.Disk && string.IsNullOrWhiteSpace(Directory))
            throw new ArgumentException("A disk cache needs a Directory.", nameof(Directory));
        if (BatchSize <= 0) throw new ArgumentException($"BatchSize must be positive (got {BatchSize}).", nameof(BatchSize));
        if (ExamplesPerShard <= 0) throw new ArgumentException($"ExamplesPerShard must be positive (got {ExamplesPerShard}).", nameof(ExamplesPerShard));
        if (Views <= 0) throw new ArgumentException($"Views must be positive (got {Views}).", nameof(Views));
    }
}
