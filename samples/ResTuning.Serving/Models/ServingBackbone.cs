using System;
using System.IO;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Onnx;
using static TorchSharp.torch;

namespace ResTuning.Serving;

/// <summary>
/// The frozen backbone every task shares, its tap source (one for all tasks: one backbone pass per batch) and the input
/// conversion it was trained with. Created, used and disposed on the inference worker's thread only.
/// </summary>
public sealed class ServingBackbone : IDisposable
{
    /// <summary><see cref="ServingOptions.Backbone"/> for ML.NET's ImageNet ResNet-18 (the default).</summary>
    public const string ImageNet = "resnet18-imagenet";

    /// <summary><see cref="ServingOptions.Backbone"/> for the same ResNet-18 at a seeded random initialisation (tests).</summary>
    public const string Random = "resnet18-random";

    private readonly Tensor? mean;

    /// <summary>
    /// Held while seeded weights are drawn: libtorch's random generator is one per process, so two servers (or a server and
    /// a test) seeding it at once would interleave their draws and get weights other than their seed's.
    /// </summary>
    public static object SeededDraws { get; } = new();

    private ServingBackbone(string name, ResNet model, Tensor? mean)
    {
        Name = name;
        Model = model;
        this.mean = mean;
        Model.eval();
        Source = Models.TaskBypass.CreateTapSource(model);
    }

    /// <summary>The backbone's name, as in <see cref="ServingOptions.Backbone"/>.</summary>
    public string Name { get; }

    /// <summary>The frozen ResNet.</summary>
    public ResNet Model { get; }

    /// <summary>The shared taps every task reads.</summary>
    public HookTapSource Source { get; }

    /// <summary>Loads the backbone named by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An unknown backbone name.</exception>
    public static ServingBackbone Load(ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Backbone)
        {
            case ImageNet:
                var pretrained = options.BackboneFolder is { } folder
                    ? ImageNetResNet18.Load(Path.Combine(folder, ImageNetResNet18.ModelFile), Path.Combine(folder, ImageNetResNet18.PreprocessFile))
                    : ImageNetResNet18.Load();
                // The ImageNet mean image at the served size, once: Preprocess resizes it per call otherwise.
                Tensor meanAtSize;
                using (no_grad())
                {
                    meanAtSize = options.ImageSize == ImageNetResNet18.ImageSize
                        ? pretrained.MeanImage.clone()
                        : nn.functional.interpolate(pretrained.MeanImage, new long[] { options.ImageSize, options.ImageSize },
                            mode: InterpolationMode.Bilinear, align_corners: false);
                }
                pretrained.MeanImage.Dispose();
                return new ServingBackbone(ImageNet, pretrained.Model, meanAtSize.DetachFromDisposeScope());
            case Random:
                ResNet net;
                lock (SeededDraws)
                {
                    manual_seed(options.Seed);
                    net = new ResNet(ImageNetResNet18.Config);
                }
                foreach (var p in net.parameters()) p.requires_grad = false;
                return new ServingBackbone(Random, net, mean: null);
            default:
                throw new ArgumentException($"Unknown backbone '{options.Backbone}'; use '{ImageNet}' or '{Random}'.", nameof(options));
        }
    }

    /// <summary>
    /// RGB images <c>[N, 3, S, S]</c> with values 0–255 to the backbone's input: for the ImageNet ResNet its own preprocessing
    /// (RGB → BGR, minus the mean image), for the random one a centring to [-0.5, 0.5]. Per image, so a batch changes nothing.
    /// </summary>
    public Tensor ToInput(Tensor rgb255) => mean is null ? rgb255 / 255f - 0.5f : rgb255.flip(1) - mean;

    /// <summary>Removes the tap hooks and releases the backbone.</summary>
    public void Dispose()
    {
        Source.Dispose();
        Model.Dispose();
        mean?.Dispose();
    }
}
