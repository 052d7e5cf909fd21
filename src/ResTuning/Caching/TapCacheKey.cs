using System.Globalization;
using ResTuning.Bypass;

namespace ResTuning.Caching;

/// <summary>
/// Everything cached taps depend on. A cache whose key differs from the one the caller computes for its live backbone is
/// refused (<see cref="TapCacheException"/>), naming each field that differs.
/// </summary>
/// <param name="BackboneSha256">SHA-256 of the backbone's weights (<see cref="BackboneFingerprint.Compute"/>).</param>
/// <param name="Taps">Tap names x_0..x_lastTap: the start (x_0) and the tapped points.</param>
/// <param name="LastTap">Index of the last cached tap (L).</param>
/// <param name="Preprocessing">
/// The caller's identifier of the input pipeline (data set, split, resize, normalisation, augmentation and its seed), e.g.
/// <c>"fashion-mnist/train/resize-96/norm-0.5"</c>. Change it whenever the inputs change.
/// </param>
/// <param name="DType">Storage dtype: float32, float16 or bfloat16.</param>
/// <param name="Examples">Number of examples.</param>
/// <param name="Views">Views per example: 1 for plain inputs, K for K cached augmented views.</param>
public sealed record TapCacheKey(string BackboneSha256, IReadOnlyList<string> Taps, int LastTap, string Preprocessing, ScalarType DType, long Examples, int Views)
{
    /// <summary>The dtypes a cache may store.</summary>
    public static IReadOnlyList<ScalarType> StorageTypes { get; } = new[] { ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16 };

    /// <summary>Computes the key of <paramref name="source"/>'s taps for a data set of <paramref name="examples"/> examples.</summary>
    /// <param name="source">The live tap source (a generated model's <c>Source</c>, a <see cref="VitTapSource"/>, ...).</param>
    /// <param name="examples">Number of examples.</param>
    /// <param name="options">Preprocessing identifier, dtype, last tap, views; <see cref="TapCacheOptions.Backbone"/> for sources
    /// other than <see cref="HookTapSource"/> and <see cref="VitTapSource"/>.</param>
    /// <returns>The key.</returns>
    public static TapCacheKey For(ITapSource source, long examples, TapCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (examples <= 0) throw new ArgumentOutOfRangeException(nameof(examples), examples, "A tap cache needs at least one example.");
        var backbone = options.Backbone ?? BackboneFingerprint.BackboneOf(source)
            ?? throw new ArgumentException($"The tap source {source.GetType().Name} does not expose its backbone: set TapCacheOptions.Backbone so the cache can pin its weights.", nameof(options));
        var lastTap = options.LastTap ?? source.TapNames.Count - 1;
        if (lastTap < 0 || lastTap >= source.TapNames.Count)
            throw new ArgumentOutOfRangeException(nameof(options), lastTap, $"LastTap must be 0..{source.TapNames.Count - 1}: the source has taps {string.Join(", ", source.TapNames)}.");
        return new TapCacheKey(BackboneFingerprint.Compute(backbone), source.TapNames.Take(lastTap + 1).ToArray(), lastTap,
            options.Preprocessing, options.DType, examples, options.Views);
    }

    /// <summary>The fields in which <paramref name="other"/> differs from this key, each as a sentence; empty when they match.</summary>
    /// <param name="other">The key to compare with (e.g. the live backbone's).</param>
    /// <param name="thisName">How messages name this key (e.g. "the cache").</param>
    /// <param name="otherName">How messages name <paramref name="other"/> (e.g. "the live backbone").</param>
    public IReadOnlyList<string> Differences(TapCacheKey other, string thisName = "the cache", string otherName = "the caller")
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (!string.Equals(BackboneSha256, other.BackboneSha256, StringComparison.Ordinal))
            differences.Add($"backbone weights differ ({thisName} was built from weights hashing {Short(BackboneSha256)}, {otherName} has {Short(other.BackboneSha256)})");
        if (LastTap != other.LastTap || !Taps.SequenceEqual(other.Taps, StringComparer.Ordinal))
            differences.Add($"tap configuration differs ({thisName}: {DescribeTaps()}; {otherName}: {other.DescribeTaps()})");
        if (!string.Equals(Preprocessing, other.Preprocessing, StringComparison.Ordinal))
            differences.Add($"input preprocessing differs ({thisName}: '{Preprocessing}', {otherName}: '{other.Preprocessing}')");
        if (DType != other.DType)
            differences.Add($"dtype differs ({thisName}: {DTypeName(DType)}, {otherName}: {DTypeName(other.DType)})");
        if (Examples != other.Examples)
            differences.Add($"example count differs ({thisName}: {Examples}, {otherName}: {other.Examples})");
        if (Views != other.Views)
            differences.Add($"views per example differ ({thisName}: {Views}, {otherName}: {other.Views})");
        return differences;
    }

    /// <summary>The start, the taps and the last tap, for messages.</summary>
    public string DescribeTaps() => string.Create(CultureInfo.InvariantCulture,
        $"start '{Taps.FirstOrDefault()}', taps [{string.Join(", ", Taps.Skip(1))}], last tap {LastTap}");

    /// <summary>Compares every field (the tap names element by element).</summary>
    /// <param name="other">The other key.</param>
    public bool Equals(TapCacheKey? other) => other is not null && Differences(other).Count == 0;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(BackboneSha256, string.Join("\n", Taps), LastTap, Preprocessing, DType, Examples, Views);

    /// <summary>The manifest's name of a storage dtype.</summary>
    /// <param name="type">float32, float16 or bfloat16.</param>
    public static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        _ => type.ToString(),
    };

    /// <summary>Parses <c>float32</c>, <c>float16</c> or <c>bfloat16</c>.</summary>
    /// <param name="name">The dtype name.</param>
    /// <exception cref="ArgumentException">For any other name.</exception>
    public static ScalarType ParseDType(string name) => name switch
    {
        "float32" => ScalarType.Float32,
        "float16" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"A tap cache stores float32, float16 or bfloat16, not '{name}'.", nameof(name)),
    };

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
