namespace ResTuning.Caching;

/// <summary>
/// One shard file of a disk cache: the taps x_0..x_L of examples <c>[Begin, End)</c> in view <see cref="View"/>, as a safetensors
/// file holding one tensor per tap (<c>tap.0</c> .. <c>tap.L</c>, each <c>[End-Begin, ...tap shape]</c>).
/// </summary>
/// <param name="File">File name, relative to the cache folder.</param>
/// <param name="View">The augmented view (0 without augmentation).</param>
/// <param name="Begin">First example.</param>
/// <param name="End">One past the last example.</param>
/// <param name="Bytes">Length of the file in bytes.</param>
/// <param name="Sha256">Hex SHA-256 of the file's data section.</param>
public sealed record TapCacheShard(string File, int View, long Begin, long End, long Bytes, string Sha256)
{
    /// <summary>Number of examples in the shard.</summary>
    public long Count => End - Begin;

    /// <summary>Name of the tensor holding tap <paramref name="tap"/> in a shard file.</summary>
    public static string TensorName(int tap) => "tap." + tap.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
