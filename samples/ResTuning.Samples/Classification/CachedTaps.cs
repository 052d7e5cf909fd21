using System;
using System.Linq;
using ResTuning.Caching;
using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// A method's training splits as a tap cache (<see cref="TapCache"/>): the frozen backbone runs once per image, not once
/// per image and epoch, and every run of the method (sweep and seeds) trains on the same cached taps x_0..x_L (the bypass,
/// and on a pretrained ResNet the linear probe).
/// </summary>
/// <remarks>
/// <see cref="Data"/> holds the same splits with each training or validation image replaced by its example index into the
/// cache, so the ordinary <see cref="Trainer"/> batches them; <see cref="Forward"/> turns a batch of indices into the
/// method's output. The test split is read once per seed, so it stays images and runs live.
/// </remarks>
public sealed class CachedTaps : IDisposable
{
    private readonly TapCache cache;

    private CachedTaps(TapCache cache, TransferData data)
    {
        this.cache = cache;
        Data = data;
    }

    /// <summary>The splits, each training and validation image replaced by its example index (int64) into the cache; the test split as given.</summary>
    public TransferData Data { get; }

    /// <summary>Bytes the cached taps take.</summary>
    public long Bytes => cache.Bytes;

    /// <summary>Extracts the taps of every split's images with <paramref name="extractor"/>'s frozen backbone.</summary>
    /// <param name="extractor">How a model of the method reads the pretrained backbone (its tap source is used, its tuners are not).</param>
    /// <param name="data">The splits.</param>
    /// <param name="dtype">Storage type: float32, float16 or bfloat16.</param>
    /// <param name="preprocessing">Identifies the images (data set, protocol, normalisation): part of the cache's key.</param>
    /// <param name="labelledOnce">The labelled split is the sweep's training split followed by the validation split (as
    /// <see cref="TransferData"/> builds it, checked here): cache those two once and read the labelled examples from them, instead
    /// of caching the labelled examples a second time.</param>
    /// <param name="directory">A scratch folder for the cache, on disk and read a batch at a time so that the process holds a
    /// batch of taps rather than the cache; removed on <see cref="Dispose"/>.</param>
    public static CachedTaps Extract(TapReader extractor, TransferData data, ScalarType dtype, string preprocessing, bool labelledOnce, string directory)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(directory);
        if (labelledOnce && !SameRows(data.Labelled.Images, cat(new[] { data.SweepTrain.Images, data.Validation.Images }, 0)))
            throw new ArgumentException("The labelled split is not the sweep's training split followed by the validation split.", nameof(data));
        var splits = labelledOnce ? new[] { data.SweepTrain, data.Validation } : new[] { data.SweepTrain, data.Validation, data.Labelled };
        var images = cat(splits.Select(s => s.Images).ToArray(), 0);
        var options = new TapCacheOptions
        {
            Preprocessing = preprocessing, LastTap = extractor.LastTap, DType = dtype, BatchSize = 250, Backbone = extractor.Backbone,
            Storage = TapCacheStorage.Disk, Directory = directory,
        };
        var cache = TapCache.Extract(extractor.Source, (start, count, _) => extractor.ToBackboneInput(images.narrow(0, start, count)), images.shape[0], options);

        var offset = 0L;
        LabeledImages Ids(LabeledImages split)
        {
            var ids = split with { Images = arange(offset, offset + split.Count, ScalarType.Int64) };
            offset += split.Count;
            return ids;
        }
        var sweepTrain = Ids(data.SweepTrain);
        var validation = Ids(data.Validation);
        var labelled = labelledOnce ? data.Labelled with { Images = arange(0L, data.Labelled.Count, ScalarType.Int64) } : Ids(data.Labelled);
        return new CachedTaps(cache, new TransferData(labelled, sweepTrain, validation, data.Test, null));
    }

    /// <summary>Example indices <c>[B]</c> to <paramref name="reader"/>'s output on their cached taps (no backbone pass).</summary>
    public Func<Tensor, Tensor> Forward(TapReader reader) => ids =>
    {
        using var scope = NewDisposeScope();
        var taps = cache.Read(ids.cpu().data<long>().ToArray(), device: ids.device);
        return reader.Run(taps).MoveToOuterDisposeScope();
    };

    /// <summary>Releases the cache and removes its folder (it is this run's scratch space).</summary>
    public void Dispose()
    {
        cache.Dispose();
        if (System.IO.Directory.Exists(cache.Directory)) System.IO.Directory.Delete(cache.Directory, recursive: true);
    }

    private static bool SameRows(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
