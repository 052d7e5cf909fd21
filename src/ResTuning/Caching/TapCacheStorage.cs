namespace ResTuning.Caching;

/// <summary>Where a <see cref="TapCache"/> keeps its taps.</summary>
public enum TapCacheStorage
{
    /// <summary>In process memory, as tensors (nothing is written; the cache lives as long as the object).</summary>
    Memory,

    /// <summary>
    /// On disk: sharded safetensors files plus a manifest in a folder, read back a batch at a time with positional reads
    /// (the operating system's page cache holds the hot part; the process holds only the batch it reads).
    /// </summary>
    Disk,
}
