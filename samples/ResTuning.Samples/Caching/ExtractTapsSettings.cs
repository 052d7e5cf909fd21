namespace ResTuning.Samples.Caching;

/// <summary>The options of <c>extract-taps</c>.</summary>
/// <param name="Output">The cache folder (shared storage for a sharded extraction).</param>
/// <param name="Examples">Synthetic scenes in the data set.</param>
/// <param name="ImageSize">Image side in pixels.</param>
/// <param name="Batch">Examples per backbone pass (and per training batch).</param>
/// <param name="Shard">The part i to extract, or null for the whole data set.</param>
/// <param name="Of">Number of parts N.</param>
/// <param name="Merge">Merge the parts' manifests instead of extracting.</param>
/// <param name="DType">Storage dtype name.</param>
/// <param name="TrainEpochs">Epochs of bypass training on the cache afterwards.</param>
/// <param name="Seed">Seed of the backbone's weights and of the data.</param>
public sealed record ExtractTapsSettings(string Output, int Examples, int ImageSize, int Batch, int? Shard, int Of, bool Merge, string DType, int TrainEpochs, int Seed);
