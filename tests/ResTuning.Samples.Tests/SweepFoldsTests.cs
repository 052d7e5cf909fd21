using ResTuning.Samples.Classification;
using ResTuning.Samples.Data;
using ResTuning.Samples.Tests.Support;

namespace ResTuning.Samples.Tests;

public sealed class SweepFoldsTests : IDisposable
{
    private readonly FakeFashionMnist data = new(trainPerClass: 30, testPerClass: 4);
    private readonly TransferProtocol protocol = new() { LabelledPerClass = 20, ValidationPerClass = 4 };

    public void Dispose() => data.Dispose();

    private static List<int> Trace(LabeledImages split) =>
        Enumerable.Range(0, (int)split.Count).Select(i => FakeFashionMnist.Trace(split.Images[i].flatten().data<float>().ToArray()).Index).ToList();

    private static int[] PerClass(LabeledImages split) =>
        Enumerable.Range(0, split.Classes).Select(c => split.Labels.data<long>().ToArray().Count(l => l == c)).ToArray();

    [Fact]
    public void One_fold_is_the_protocols_fixed_split()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);

        var folds = SweepFolds.Build(splits, 1, protocol.ValidationPerClass);

        var fold = Assert.Single(folds);
        Assert.Equal(Trace(splits.SweepTrain), Trace(fold.Train));
        Assert.Equal(Trace(splits.Validation), Trace(fold.Validation));
    }

    [Fact]
    public void Folds_validate_on_disjoint_class_balanced_blocks_and_train_on_every_other_labelled_image()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);
        var labelled = Trace(splits.Labelled).ToHashSet();

        var folds = SweepFolds.Build(splits, 4, protocol.ValidationPerClass);

        Assert.Equal(4, folds.Count);
        Assert.Equal(Trace(splits.Validation), Trace(folds[0].Validation));
        var validated = new List<int>();
        foreach (var fold in folds)
        {
            var train = Trace(fold.Train);
            var validation = Trace(fold.Validation);
            Assert.All(PerClass(fold.Validation), n => Assert.Equal(protocol.ValidationPerClass, n));
            Assert.Empty(train.Intersect(validation));
            Assert.True(labelled.SetEquals(train.Concat(validation)));   // the fold uses every labelled image, once
            Assert.Equal(labelled.Count, train.Count + validation.Count);
            // Labels travel with their images.
            var labels = fold.Validation.Labels.data<long>().ToArray();
            for (var i = 0; i < labels.Length; i++)
                Assert.Equal(protocol.TargetClasses[(int)labels[i]], FakeFashionMnist.ClassOf(validation[i]));
            validated.AddRange(validation);
        }
        Assert.Equal(validated.Count, validated.Distinct().Count());   // no image validates two folds
    }

    [Fact]
    public void Too_many_folds_for_the_labelled_images_are_refused_with_the_largest_count_that_fits()
    {
        var splits = TransferData.FromFashionMnist(data.Folder, protocol);

        // 20 labelled per class, 4 validate each fold: five folds leave nothing to train on.
        var error = Assert.Throws<ArgumentException>(() => SweepFolds.Build(splits, 5, protocol.ValidationPerClass));
        Assert.Contains("at most 4 folds", error.Message);
        var invalid = Assert.Throws<ArgumentException>(() => (protocol with { SweepFolds = 5 }).Validate());
        Assert.Contains("between 1 and 4 folds", invalid.Message);
        (protocol with { SweepFolds = 4 }).Validate();
    }

    [Fact]
    public void The_description_names_the_folds_only_when_there_are_several()
    {
        var names = global::ResTuning.Data.FashionMnist.ClassNames;

        Assert.DoesNotContain("folds", TransferProtocol.ImageNetFull.Describe(names));
        Assert.Contains("scored over 3 folds of 10 validation images per class", (TransferProtocol.ImageNetFull with { SweepFolds = 3 }).Describe(names));
    }
}
