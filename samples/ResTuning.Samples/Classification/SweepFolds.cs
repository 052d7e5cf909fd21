using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>One fold of the learning-rate sweep: the images it trains on and the images that score it.</summary>
/// <param name="Train">The labelled images minus <paramref name="Validation"/>.</param>
/// <param name="Validation">The fold's validation block, class-balanced.</param>
public sealed record SweepFold(LabeledImages Train, LabeledImages Validation);

/// <summary>
/// The folds the sweep scores each learning rate on (<see cref="TransferProtocol.SweepFolds"/>). Fold 0 is the protocol's
/// fixed split (<see cref="TransferData.SweepTrain"/>, <see cref="TransferData.Validation"/>), so one fold is the sweep as it
/// always was; fold k ≥ 1 validates on the k-th next block of <see cref="TransferProtocol.ValidationPerClass"/> images of each
/// class of the sweep's training part and trains on every other labelled image. The blocks are disjoint, so K folds score a
/// rate on K times as many validation images: with 10 per class, two variants a point apart are within one validation
/// image per class of each other, and a single split cannot tell them apart.
/// </summary>
public static class SweepFolds
{
    /// <summary>The <paramref name="folds"/> folds of <paramref name="data"/>'s labelled images (images or tap-cache indices alike).</summary>
    /// <param name="data">The splits; the labelled images are the sweep's training part followed by the validation part.</param>
    /// <param name="folds">Number of folds, 1 or more.</param>
    /// <param name="validationPerClass">Images per class in each fold's validation block.</param>
    /// <exception cref="ArgumentException">A class has too few images for that many blocks and at least one training image.</exception>
    public static IReadOnlyList<SweepFold> Build(TransferData data, int folds, int validationPerClass)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 1) throw new ArgumentOutOfRangeException(nameof(folds), folds, "Give one fold or more.");
        if (validationPerClass < 1) throw new ArgumentOutOfRangeException(nameof(validationPerClass), validationPerClass, "Give one validation image per class or more.");
        var result = new List<SweepFold> { new(data.SweepTrain, data.Validation) };
        if (folds == 1) return result;

        var train = data.SweepTrain;
        var labels = train.Labels.data<long>().ToArray();
        // Positions of each class's images in the sweep's training part, in their (seeded, drawn) order.
        var members = Enumerable.Range(0, train.Classes).Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray()).ToArray();
        var shortest = members.Where(m => m.Length > 0).Min(m => m.Length);
        if ((folds - 1) * validationPerClass >= shortest)
            throw new ArgumentException(
                $"{folds} sweep folds need {folds - 1} more validation blocks of {validationPerClass} images per class and one image left to train on, " +
                $"but a class has {shortest} images in the sweep's training part; give at most {(shortest - 1) / validationPerClass + 1} folds or more labelled images per class.",
                nameof(folds));
        for (var k = 1; k < folds; k++)
        {
            var block = members.SelectMany(m => m.Skip((k - 1) * validationPerClass).Take(validationPerClass)).ToHashSet();
            var rest = Enumerable.Range(0, labels.Length).Where(i => !block.Contains(i));
            result.Add(new SweepFold(Concat(train.Rows(rest.Select(i => (long)i)), data.Validation), train.Rows(block.OrderBy(i => i).Select(i => (long)i))));
        }
        return result;
    }

    private static LabeledImages Concat(LabeledImages a, LabeledImages b) =>
        a with { Images = cat(new[] { a.Images, b.Images }, 0), Labels = cat(new[] { a.Labels, b.Labels }, 0) };
}
