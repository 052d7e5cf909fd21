using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Data;
using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// The splits of the <see cref="TransferProtocol"/>: source train/test for pretraining; the labelled target images, split
/// into the sweep's training and validation parts; and the target test split, which only the final report reads.
/// </summary>
/// <param name="Labelled">All labelled target images: the final runs train on them.</param>
/// <param name="SweepTrain">The labelled images minus the validation part: the learning-rate sweep trains on them.</param>
/// <param name="Validation">The validation part: the sweep chooses each method's learning rate by it.</param>
/// <param name="Test">The target test split: read once per final run, never by the sweep.</param>
/// <param name="Source">The source task (null for a user's image folder with a pretrained checkpoint).</param>
public sealed record TransferData(LabeledImages Labelled, LabeledImages SweepTrain, LabeledImages Validation, LabeledImages Test, SourceData? Source)
{
    /// <summary>Fashion-MNIST pixel mean and standard deviation (of the training split).</summary>
    private const float Mean = 0.286f, Std = 0.353f;

    /// <summary>Builds the splits from the Fashion-MNIST files in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder with the four files.</param>
    /// <param name="protocol">Classes and sizes; without source classes the source is null.</param>
    /// <param name="normalise">Standardise pixels with Fashion-MNIST's mean and std (the sample ViT's input); false keeps them in [0, 1]
    /// for a backbone that brings its own preprocessing (the ImageNet ResNet).</param>
    public static TransferData FromFashionMnist(string folder, TransferProtocol protocol, bool normalise = true)
    {
        protocol.Validate();
        var train = FashionMnist.Load(folder, train: true);
        var test = FashionMnist.Load(folder, train: false);
        var names = FashionMnist.ClassNames;
        var sourceNames = protocol.SourceClasses.Select(c => names[c]).ToArray();
        var targetNames = protocol.TargetClasses.Select(c => names[c]).ToArray();

        var targetPool = ToImages(train.WithClasses(protocol.TargetClasses.ToArray()), targetNames, normalise);
        var targetTest = Limit(ToImages(test.WithClasses(protocol.TargetClasses.ToArray()), targetNames, normalise), protocol.TestLimit, protocol.SplitSeed);
        var (labelled, sweepTrain, validation) = DrawLabelled(targetPool, protocol);
        if (protocol.UsesPretrainedBackbone) return new TransferData(labelled, sweepTrain, validation, targetTest, null);
        var sourceTrain = Limit(ToImages(train.WithClasses(protocol.SourceClasses.ToArray()), sourceNames, normalise), protocol.SourceTrainLimit, protocol.SplitSeed);
        var sourceTest = Limit(ToImages(test.WithClasses(protocol.SourceClasses.ToArray()), sourceNames, normalise), protocol.TestLimit, protocol.SplitSeed);
        return new TransferData(labelled, sweepTrain, validation, targetTest, new SourceData(sourceTrain, sourceTest));
    }

    /// <summary>
    /// Builds the target splits from a user's image folder (<c>root/class/image</c>), converted to the backbone's input
    /// (grayscale 28 px for the sample ViT, RGB for the ResNet): a fifth of each class is the test split, the labelled images
    /// are drawn from the rest as the protocol says (fewer where a class has fewer).
    /// </summary>
    /// <param name="root">The folder.</param>
    /// <param name="protocol">Sizes and seeds.</param>
    /// <param name="imageSize">Side the images are read at.</param>
    /// <param name="channels">1 (grey) or 3.</param>
    /// <param name="normalise">As in <see cref="FromFashionMnist"/>.</param>
    public static TransferData FromImageFolder(string root, TransferProtocol protocol, int imageSize, int channels, bool normalise = true)
    {
        var all = ImageFolderDataset.Load(root, imageSize);
        var images = channels == 1 ? all.Images.mean(new long[] { 1 }, keepdim: true) : all.Images;
        // ImageFolderDataset centres pixels on 0 (value - 0.5); bring them to [0, 1], or to the Fashion-MNIST scale the ViT was pretrained on.
        images = normalise ? (images + 0.5f - Mean) / Std : images + 0.5f;
        var data = all with { Images = images };
        var perClassTest = new List<long>();
        var rest = new List<long>();
        var labels = data.Labels.data<long>().ToArray();
        var order = randperm(data.Count, generator: new Generator((ulong)protocol.SplitSeed)).data<long>().ToArray();
        for (var c = 0; c < data.Classes; c++)
        {
            var members = order.Where(i => labels[i] == c).ToArray();
            var testCount = Math.Max(1, members.Length / 5);
            perClassTest.AddRange(members.Take(testCount));
            rest.AddRange(members.Skip(testCount));
        }
        var (labelled, sweepTrain, validation) = DrawLabelled(data.Rows(rest), protocol);
        return new TransferData(labelled, sweepTrain, validation, data.Rows(perClassTest), null);
    }

    /// <summary>Draws <see cref="TransferProtocol.LabelledPerClass"/> images per class and splits off the validation part, class-balanced.</summary>
    private static (LabeledImages Labelled, LabeledImages SweepTrain, LabeledImages Validation) DrawLabelled(LabeledImages pool, TransferProtocol protocol)
    {
        var labels = pool.Labels.data<long>().ToArray();
        var order = randperm(pool.Count, generator: new Generator((ulong)protocol.SplitSeed + 1)).data<long>().ToArray();
        var sweep = new List<long>();
        var validation = new List<long>();
        for (var c = 0; c < pool.Classes; c++)
        {
            var members = order.Where(i => labels[i] == c).Take(protocol.LabelledPerClass).ToArray();
            var held = Math.Min(protocol.ValidationPerClass, members.Length - 1);
            validation.AddRange(members.Take(held));
            sweep.AddRange(members.Skip(held));
        }
        return (pool.Rows(sweep.Concat(validation)), pool.Rows(sweep), pool.Rows(validation));
    }

    private static LabeledImages ToImages(IdxImageSet set, IReadOnlyList<string> names, bool normalise)
    {
        var pixels = set.Images.to_type(ScalarType.Float32) / 255f;
        return new((normalise ? (pixels - Mean) / Std : pixels).unsqueeze(1), set.Labels, names.Count, names);
    }

    private static LabeledImages Limit(LabeledImages data, int limit, int seed) =>
        limit <= 0 || limit >= data.Count ? data : data.Rows(randperm(data.Count, generator: new Generator((ulong)seed + 2)).narrow(0, 0, limit).data<long>());
}

/// <summary>The source task of pretraining.</summary>
/// <param name="Train">Its training images.</param>
/// <param name="Test">Its test images (for the reported source accuracy).</param>
public sealed record SourceData(LabeledImages Train, LabeledImages Test);
