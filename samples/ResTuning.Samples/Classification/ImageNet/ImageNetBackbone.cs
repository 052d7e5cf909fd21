using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Onnx;
using ResTuning.Training;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification.ImageNet;

/// <summary>
/// ML.NET's ImageNet ResNet-18 (<see cref="ImageNetResNet18"/>, from its NuGet package) with a new head for the target
/// classes: each method gets a fresh copy of the pretrained weights (scratch: the same network at random initialisation),
/// fed Fashion-MNIST images the way the network was trained (resized, grey to three channels, 0–255, minus the ImageNet
/// mean image).
/// </summary>
public sealed class ImageNetBackbone : IClassificationBackbone
{
    private readonly ImageNetResNet18 pretrained;
    private readonly int classes;
    private readonly int imageSize;

    /// <summary>Loads the pretrained network once per process.</summary>
    /// <param name="classes">Classes of the target task.</param>
    /// <param name="imageSize">Side of the square images the network reads (Fashion-MNIST's 28 px are resized to it).</param>
    /// <param name="batchNormImages">Data-set images to re-estimate the batch-norm statistics on (AdaBN) before any method
    /// copies the weights; null keeps ImageNet's.</param>
    public ImageNetBackbone(int classes, int imageSize, Tensor? batchNormImages = null)
    {
        if (imageSize < 32) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "The ResNet halves the resolution five times: give images of at least 32 px.");
        this.classes = classes;
        this.imageSize = imageSize;
        pretrained = ImageNetResNet18.Load(classes: 0);
        if (batchNormImages is not null) AdaptBatchNorm(batchNormImages);
    }

    private void AdaptBatchNorm(Tensor images)
    {
        using var scope = NewDisposeScope();
        var batches = Enumerable.Range(0, (int)((images.shape[0] + AdaptBatch - 1) / AdaptBatch))
            .Select(b => ToInput(images.slice(0, b * AdaptBatch, Math.Min((b + 1) * AdaptBatch, images.shape[0]), 1)));
        var layers = BatchNormStatistics.Update(pretrained.Model, batches);
        Console.WriteLine($"Batch-norm statistics of {layers} layers re-estimated on {images.shape[0]} training images (AdaBN).");
    }

    // The protocols' training batch: each batch's statistics weigh the same in the estimate.
    private const int AdaptBatch = 25;

    /// <summary>The name in <c>results.json</c>.</summary>
    public const string BackboneName = "resnet18-imagenet";

    /// <summary>Images per step of the memory probe (a ResNet step at batch 32 is already well above allocator noise).</summary>
    public const int ProbeBatch = 32;

    /// <inheritdoc />
    public string Name => BackboneName;

    /// <inheritdoc />
    public int MemoryProbeBatch => ProbeBatch;

    /// <summary>Data-set images <c>[N, 1, 28, 28]</c> in [0, 1] to the network's input <c>[N, 3, S, S]</c>.</summary>
    public Tensor ToInput(Tensor images) => pretrained.Preprocess(images, imageSize);

    /// <inheritdoc />
    public ITuningRun Prepare(TuningMethod method, int seed, Device device)
    {
        manual_seed(seed);
        var net = new ResNet(ImageNetResNet18.Config with { Classes = classes });
        if (method != TuningMethod.Scratch)
        {
            // Every pretrained tensor (batch-norm statistics included); the new head keeps its seeded initialisation.
            using var _ = no_grad();
            var target = net.state_dict();
            foreach (var (name, value) in pretrained.Model.state_dict())
                target[name].copy_(value);
        }
        return ResNetRun.Create(net, method, ToInput, device);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A factor of about 3 apart. Where a protocol's sweep chose an end of a grid (on its validation split), the grid was
    /// extended past it: the default protocol set the first three values of each, the full protocol's first run
    /// (2026-12-07) added 3e-3 for full fine-tuning and 1e-2 for the bypass above, and 1e-3 for the linear probe and
    /// Res-Tuning below; 3e-4 for LoRA (2026-12-07, the default protocol had chosen 1e-3, its lowest value); 3e-3 for
    /// scratch came last (2026-12-07: after the MKL change both protocols chose 1e-3, its highest value).
    /// </remarks>
    public IReadOnlyList<double> LearningRates(TuningMethod method) => method switch
    {
        TuningMethod.Scratch => new[] { 1e-4, 3e-4, 1e-3, 3e-3 },
        TuningMethod.Full => new[] { 1e-4, 3e-4, 1e-3, 3e-3 },
        TuningMethod.Linear => new[] { 1e-3, 3e-3, 1e-2, 3e-2 },
        TuningMethod.Lora => new[] { 3e-4, 1e-3, 3e-3, 1e-2 },
        TuningMethod.ResTuning => new[] { 1e-3, 3e-3, 1e-2, 3e-2 },
        _ => new[] { 3e-4, 1e-3, 3e-3, 1e-2 },
    };

    /// <inheritdoc />
    public void Dispose() => pretrained.Dispose();
}
