using TorchSharp;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Data;
using ResTuning.Samples.Tests.Support;

namespace ResTuning.Samples.Tests;

public sealed class TransferProtocolTests : IDisposable
{
    private readonly FakeFashionMnist data = new(trainPerClass: 30, testPerClass: 12);
    private readonly TransferProtocol protocol = new() { LabelledPerClass = 20, ValidationPerClass = 4 };

    public void Dispose() => data.Dispose();

    private static List<(bool Test, int Index)> Trace(LabeledImages split) =>
        Enumerable.Range(0, (int)split.Count).Select(i => FakeFashionMnist.Trace(split.Images[i].flatten().data<float>().ToArray())).ToList();

    [Fact]
    public void Target_splits_hold_only_target_classes_and_the_source_only_source_classes()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);

        foreach (var split in new[] { splits.Labelled, splits.SweepTrain, splits.Validation, splits.Test })
            Assert.All(Trace(split), t => Assert.Contains(FakeFashionMnist.ClassOf(t.Index), protocol.TargetClasses));
        foreach (var split in new[] { splits.Source!.Train, splits.Source.Test })
            Assert.All(Trace(split), t => Assert.Contains(FakeFashionMnist.ClassOf(t.Index), protocol.SourceClasses));
        Assert.Empty(protocol.SourceClasses.Intersect(protocol.TargetClasses));
    }

    [Fact]
    public void The_ImageNet_protocol_tunes_all_ten_classes_on_raw_pixels_without_a_source_task()
    {
        var imagenet = TransferProtocol.ImageNet with { TestLimit = 50 };
        var splits = TransferData.FromFashionMnist(data.Folder, imagenet, normalise: false);

        Assert.True(imagenet.UsesPretrainedBackbone);
        Assert.Null(splits.Source);
        Assert.Equal(10, splits.Labelled.Classes);
        Assert.Equal(10 * imagenet.LabelledPerClass, splits.Labelled.Count);
        Assert.Equal(10 * imagenet.ValidationPerClass, splits.Validation.Count);
        Assert.Equal(splits.Labelled.Count - splits.Validation.Count, splits.SweepTrain.Count);
        Assert.Equal(50, splits.Test.Count);
        // Pixels stay in [0, 1]: the ResNet's own preprocessing scales them.
        Assert.InRange(splits.Labelled.Images.min().ToDouble(), 0, 1);
        Assert.InRange(splits.Labelled.Images.max().ToDouble(), 0, 1);
        Assert.Contains("at 80 px", imagenet.Describe(global::ResTuning.Data.FashionMnist.ClassNames));
    }

    [Fact]
    public void Labels_follow_the_original_classes()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);
        var traced = Trace(splits.Test);
        var labels = splits.Test.Labels.data<long>().ToArray();

        for (var i = 0; i < labels.Length; i++)
            Assert.Equal(protocol.TargetClasses[(int)labels[i]], FakeFashionMnist.ClassOf(traced[i].Index));
    }

    [Fact]
    public void No_test_image_is_trained_or_validated_on_and_the_test_split_is_whole()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);

        Assert.All(Trace(splits.Labelled), t => Assert.False(t.Test));
        Assert.All(Trace(splits.Validation), t => Assert.False(t.Test));
        Assert.All(Trace(splits.Source!.Train), t => Assert.False(t.Test));
        var test = Trace(splits.Test);
        Assert.All(test, t => Assert.True(t.Test));
        Assert.Equal(12 * protocol.TargetClasses.Count, test.Distinct().Count());   // every target test image, once
    }

    [Fact]
    public void Validation_is_a_class_balanced_part_of_the_labelled_images_that_the_sweep_does_not_train_on()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);
        var labelled = Trace(splits.Labelled);
        var sweep = Trace(splits.SweepTrain);
        var validation = Trace(splits.Validation);

        Assert.Equal(protocol.LabelledPerClass * 5, labelled.Distinct().Count());
        Assert.Empty(sweep.Intersect(validation));
        Assert.Equal(labelled.OrderBy(t => t.Index), sweep.Concat(validation).OrderBy(t => t.Index));
        var perClass = splits.Validation.Labels.data<long>().GroupBy(l => l).Select(g => g.Count()).ToArray();
        Assert.Equal(5, perClass.Length);
        Assert.All(perClass, n => Assert.Equal(protocol.ValidationPerClass, n));
    }

    [Fact]
    public void The_splits_are_the_same_in_every_process()
    {
        var a = Trace(TransferData.FromFashionMnist(data.Folder, protocol).Labelled);
        var b = Trace(TransferData.FromFashionMnist(data.Folder, protocol).Labelled);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Overlapping_classes_are_refused()
    {
        var bad = protocol with { TargetClasses = new[] { 4, 5, 6 } };
        var error = Assert.Throws<ArgumentException>(() => TransferData.FromFashionMnist(data.Folder, bad));
        Assert.Contains("disjoint", error.Message);
    }
}
