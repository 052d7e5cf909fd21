using System;
using System.Collections.Generic;
using System.Linq;

namespace ResTuning.Samples.Classification;

/// <summary>
/// The main job's transfer protocol (VTAB-1K-like, on Fashion-MNIST): tune a pretrained backbone on the target classes with a
/// few labelled images per class, choose each method's learning rate on a validation part of those labelled images, and
/// test on the target classes' test split. The ImageNet protocols (<see cref="ImageNet"/>, <see cref="ImageNetFull"/>)
/// tune ML.NET's ImageNet ResNet-18 on all ten classes; the ViT protocol (the defaults, <see cref="Quick"/>) first
/// pretrains the sample ViT here on five source classes and tunes it on the five others.
/// </summary>
/// <remarks>Every number of the protocol lives here; <see cref="Quick"/> and <see cref="ImageNetQuick"/> are the same protocols on a tiny subset (for tests).</remarks>
public sealed record TransferProtocol
{
    /// <summary>Fashion-MNIST classes the backbone is pretrained on here (T-shirt/top, Trouser, Pullover, Dress, Coat); empty when it comes pretrained (ImageNet).</summary>
    public IReadOnlyList<int> SourceClasses { get; init; } = new[] { 0, 1, 2, 3, 4 };

    /// <summary>Fashion-MNIST classes of the downstream task (Sandal, Shirt, Sneaker, Bag, Ankle boot): never seen in pretraining.</summary>
    public IReadOnlyList<int> TargetClasses { get; init; } = new[] { 5, 6, 7, 8, 9 };

    /// <summary>Labelled target images per class (drawn from the target classes' training split).</summary>
    public int LabelledPerClass { get; init; } = 50;

    /// <summary>Of those, per class, held out as the validation split of the learning-rate sweep.</summary>
    public int ValidationPerClass { get; init; } = 10;

    /// <summary>
    /// Folds the learning-rate sweep scores each rate on (<see cref="Classification.SweepFolds"/>): 1 (the default) trains on the
    /// labelled images minus the validation split and scores on it; K &gt; 1 adds K − 1 folds, each validating on another
    /// disjoint block of <see cref="ValidationPerClass"/> images per class and training on the rest, and averages the K scores
    /// (K times the validation images, K times the sweep's training runs).
    /// </summary>
    public int SweepFolds { get; init; } = 1;

    /// <summary>Source training images used for pretraining (0: the whole source training split).</summary>
    public int SourceTrainLimit { get; init; }

    /// <summary>Test images per split (0: the whole test split).</summary>
    public int TestLimit { get; init; }

    /// <summary>Pretraining epochs over the source training images.</summary>
    public int PretrainEpochs { get; init; } = 16;

    /// <summary>Pretraining peak learning rate (AdamW, one-cycle).</summary>
    public double PretrainLearningRate { get; init; } = 5e-4;

    /// <summary>Pretraining mini-batch size.</summary>
    public int PretrainBatch { get; init; } = 64;

    /// <summary>Tuning epochs over the labelled target images (every method gets the same number of steps).</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Tuning mini-batch size.</summary>
    public int Batch { get; init; } = 25;

    /// <summary>AdamW weight decay of every tuning run (fixed, not swept).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Training seeds of the final runs (test accuracy is reported as mean ± std over them).</summary>
    public int Seeds { get; init; } = 5;

    /// <summary>Seed that draws the labelled target images and their validation part (fixed, like VTAB-1K's fixed splits).</summary>
    public int SplitSeed { get; init; } = 2023;

    /// <summary>Side of the square images the backbone reads (Fashion-MNIST's 28 px resized); 0 for the backbone's own size (the sample ViT's 28 px).</summary>
    public int ImageSize { get; init; }

    /// <summary>
    /// ResNet only: re-estimate the pretrained network's batch-norm statistics on the sweep's training images (AdaBN,
    /// <see cref="global::ResTuning.Training.BatchNormStatistics"/>) before any method starts; off by default, since it
    /// lowered every frozen-backbone method here (README, "What was tried").
    /// </summary>
    public bool AdaptBatchNorm { get; init; }

    /// <summary>Images per batch when measuring test accuracy.</summary>
    public int EvaluationBatch { get; init; } = 500;

    /// <summary>Whether the backbone comes pretrained (no source classes, nothing pretrained here).</summary>
    public bool UsesPretrainedBackbone => SourceClasses.Count == 0;

    /// <summary>
    /// The default ImageNet protocol, sized for a 2-core CPU (the job in about a quarter of an hour): all ten Fashion-MNIST
    /// classes at 80 px, 20 labelled images per class (5 of them validate the sweep), 2,000 test images, 3 seeds.
    /// </summary>
    public static TransferProtocol ImageNet { get; } = new()
    {
        SourceClasses = Array.Empty<int>(), TargetClasses = Enumerable.Range(0, 10).ToArray(),
        LabelledPerClass = 20, ValidationPerClass = 5, TestLimit = 2000, ImageSize = 80,
        PretrainEpochs = 1, Epochs = 6, Batch = 20, Seeds = 3, EvaluationBatch = 250,
    };

    /// <summary>The ImageNet protocol of the README's headline table: 112 px, 50 labelled images per class (10 validate), 5,000 test images, 3 seeds.</summary>
    public static TransferProtocol ImageNetFull { get; } = ImageNet with
    {
        LabelledPerClass = 50, ValidationPerClass = 10, TestLimit = 5000, ImageSize = 112, Epochs = 8, Batch = 25,
    };

    /// <summary>The ImageNet protocol on a tiny subset (32 px, 4 labelled images per class, 100 test images): seconds, for tests.</summary>
    public static TransferProtocol ImageNetQuick { get; } = ImageNet with
    {
        LabelledPerClass = 4, ValidationPerClass = 1, TestLimit = 100, ImageSize = 32, Epochs = 1, Batch = 10, Seeds = 3,
    };

    /// <summary>The same protocol on a tiny subset: runs the whole main job end to end in well under a minute.</summary>
    public static TransferProtocol Quick { get; } = new()
    {
        LabelledPerClass = 10, ValidationPerClass = 2, SourceTrainLimit = 600, TestLimit = 200,
        PretrainEpochs = 1, Epochs = 2, Batch = 10, Seeds = 2,
    };

    /// <summary>One line for the console, the README and <c>results.json</c>.</summary>
    public string Describe(IReadOnlyList<string> classNames) => UsesPretrainedBackbone
        ? $"tune on classes {Names(TargetClasses, classNames)} at {ImageSize} px with {LabelledPerClass} labelled images per class " +
          $"({LabelledPerClass * TargetClasses.Count} in all, seed {SplitSeed}), of which {ValidationPerClass} per class are the validation split of the " +
          $"learning-rate sweep (one seed{FoldsText}); {Epochs} epochs, batch {Batch}, AdamW (weight decay {WeightDecay}) with a one-cycle schedule; " +
          $"test on {(TestLimit == 0 ? "the whole test split" : $"{TestLimit} test images")}; mean ± std over {Seeds} training seeds" +
          (AdaptBatchNorm ? "; batch-norm statistics re-estimated on the sweep's training images first" : "")
        : $"pretrain on classes {Names(SourceClasses, classNames)} ({(SourceTrainLimit == 0 ? "full training split" : $"{SourceTrainLimit} training images")}); " +
        $"tune on the disjoint classes {Names(TargetClasses, classNames)} with {LabelledPerClass} labelled images per class " +
        $"({LabelledPerClass * TargetClasses.Count} in all, seed {SplitSeed}), of which {ValidationPerClass} per class are the validation split of the " +
        $"learning-rate sweep{FoldsText}; {Epochs} epochs, batch {Batch}, AdamW (weight decay {WeightDecay}) with a one-cycle schedule; " +
        $"test on {(TestLimit == 0 ? "the whole target test split" : $"{TestLimit} target test images")}; mean ± std over {Seeds} training seeds";

    // The sweep's folds in the description, when there are several.
    private string FoldsText => SweepFolds == 1 ? "" : $", scored over {SweepFolds} folds of {ValidationPerClass} validation images per class";

    /// <summary>Checks that the classes are disjoint and the sizes make sense.</summary>
    /// <exception cref="ArgumentException">Names what is wrong.</exception>
    public void Validate()
    {
        if (SourceClasses.Count == 1 || TargetClasses.Count < 2)
            throw new ArgumentException("The source task (when pretraining here) and the target task each need at least two classes.");
        if (SourceClasses.Intersect(TargetClasses).Any())
            throw new ArgumentException($"Source and target classes must be disjoint; both have {string.Join(", ", SourceClasses.Intersect(TargetClasses))}.");
        if (ValidationPerClass <= 0 || ValidationPerClass >= LabelledPerClass)
            throw new ArgumentException($"The validation split ({ValidationPerClass} per class) must be positive and smaller than the labelled images ({LabelledPerClass} per class).");
        if (SweepFolds < 1 || SweepFolds * ValidationPerClass >= LabelledPerClass)
            throw new ArgumentException($"{SweepFolds} sweep folds need {SweepFolds} × {ValidationPerClass} validation images per class and at least one more to train on, " +
                                        $"but the protocol labels {LabelledPerClass} per class: give between 1 and {Math.Max(1, (LabelledPerClass - 1) / ValidationPerClass)} folds.");
        if (Seeds < 1 || Epochs < 1 || Batch < 1 || PretrainEpochs < 1 || EvaluationBatch < 1)
            throw new ArgumentException("Seeds, epochs and batch sizes must be positive.");
        if (ImageSize != 0 && ImageSize < 32)
            throw new ArgumentException($"Images of {ImageSize} px are too small for the ResNet (it halves the resolution five times); give 32 px or more.");
    }

    private static string Names(IReadOnlyList<int> classes, IReadOnlyList<string> names) =>
        string.Join(", ", classes.Select(c => c < names.Count ? $"{c} {names[c]}" : c.ToString()));
}
