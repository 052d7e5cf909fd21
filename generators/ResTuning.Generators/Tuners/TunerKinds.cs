namespace ResTuning.Generators.Tuners;

/// <summary>
/// The parallel tuner kinds, by the metadata name of their attribute (from <c>nameof</c>, as System.Text.Json's generator
/// reads its attributes): the one place a new kind is registered.
/// </summary>
internal static class TunerKinds
{
    private static readonly Dictionary<string, Func<TunerReading, TunerKindSpec>> Readers = new(StringComparer.Ordinal)
    {
        [AdapterTuner.AttributeName] = AdapterTuner.Read,
        [PrefixTuner.AttributeName] = PrefixTuner.Read,
        [PromptTuner.AttributeName] = PromptTuner.Read,
        [LoRATuner.AttributeName] = LoRATuner.Read,
        [CustomTuner.AttributeName] = CustomTuner.Read,
        [ChannelAdapterTuner.AttributeName] = ChannelAdapterTuner.Read,
        [DoRATuner.AttributeName] = DoRATuner.Read,
    };

    // The kinds whose IsMergeable is true, by attribute: a model whose tuners fail to parse still declares Merge, Unmerge
    // and MergeAndUnload when it has one (its shell), so the errors do not cascade into its callers.
    private static readonly HashSet<string> Mergeable = new(StringComparer.Ordinal)
    {
        LoRATuner.AttributeName,
        DoRATuner.AttributeName,
    };

    /// <summary>The reader of the tuner attribute <paramref name="metadataName"/>; null for any other attribute.</summary>
    public static Func<TunerReading, TunerKindSpec>? ReaderOf(string metadataName) =>
        Readers.TryGetValue(metadataName, out var read) ? read : null;

    /// <summary>Whether <paramref name="metadataName"/> is a parallel tuner attribute.</summary>
    public static bool IsTuner(string metadataName) => Readers.ContainsKey(metadataName);

    /// <summary>Whether <paramref name="metadataName"/> is a tuner kind the model can merge into the frozen weights.</summary>
    public static bool IsMergeable(string metadataName) => Mergeable.Contains(metadataName);
}
