using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace ResTuning.Samples.Data;

/// <summary>Images <c>[N, 3, H, W]</c> with integer labels <c>[N]</c>.</summary>
public sealed record LabeledImages(Tensor Images, Tensor Labels, int Classes, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of examples.</summary>
    public long Count => Labels.shape[0];

    /// <summary>The examples at <paramref name="rows"/>, in that order (images and labels together).</summary>
    public LabeledImages Rows(IEnumerable<long> rows)
    {
        using var index = tensor(System.Linq.Enumerable.ToArray(rows));
        return this with { Images = Images.index_select(0, index), Labels = Labels.index_select(0, index) };
    }

    /// <summary>Mini-batches in a shuffled (or fixed) order.</summary>
    public IEnumerable<(Tensor Images, Tensor Labels)> Batches(int batchSize, bool shuffle, int seed)
    {
        var order = shuffle ? randperm(Count, generator: new Generator((ulong)seed)) : arange(Count);
        for (long start = 0; start + batchSize <= Count || (!shuffle && start < Count); start += batchSize)
        {
            var index = order.narrow(0, start, Math.Min(batchSize, Count - start));
            yield return (Images.index_select(0, index), Labels.index_select(0, index));
        }
    }
}
