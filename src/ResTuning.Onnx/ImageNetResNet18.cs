using ResTuning.Backbones;

namespace ResTuning.Onnx;

/// <summary>
/// ML.NET's ImageNet-pretrained ResNet-18 (NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.24.0, MIT; a CNTK
/// export) as a TorchSharp <see cref="ResNet"/>: basic blocks in stages [2, 2, 2, 3] (<c>layer4</c> has a third block), no
/// head, 512 pooled features; with its exact preprocessing (<see cref="Preprocess"/>). <see cref="Load()"/> is the one call.
/// </summary>
/// <remarks>
/// Projects get the package's files with <c>&lt;PackageDownload Include="Microsoft.ML.DnnImageFeaturizer.ResNet18" Version="[0.24.0]" /&gt;</c>
/// (nothing of the package is referenced or copied; the files stay in NuGet's global packages folder, where
/// <see cref="DefaultModelFolder"/> finds them). This repository's ResTuning.Onnx project has that line; an application
/// using the ResTuning.Onnx package adds it to its own project file (a package cannot add it for the first restore).
/// </remarks>
public sealed class ImageNetResNet18 : IDisposable
{
    /// <summary>The NuGet package holding the model.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version this class is written against.</summary>
    public const string PackageVersion = "0.24.0";

    /// <summary>Side of the square images the model was trained on and its preprocessing is written for.</summary>
    public const int ImageSize = 224;

    /// <summary>The model file's path inside the package's <c>tools/DnnImageModels</c> folder.</summary>
    public const string ModelFile = "ResNet18Onnx/ResNet18.onnx";

    /// <summary>The preprocessing model's path inside the package's <c>tools/DnnImageModels</c> folder.</summary>
    public const string PreprocessFile = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The stage counts of this ResNet-18: [2, 2, 2, 3].</summary>
    public static ResNetConfig Config { get; } = ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2, 2, 3 }, classes: 0);

    private ImageNetResNet18(ResNet model, Tensor meanImage, string modelPath)
    {
        Model = model;
        MeanImage = meanImage;
        ModelPath = modelPath;
    }

    /// <summary>
    /// The package's <c>tools/DnnImageModels</c> folder in NuGet's global packages folder
    /// (<c>microsoft.ml.dnnimagefeaturizer.resnet18/0.24.0/tools/DnnImageModels</c>): the first of the folder this assembly
    /// was built against, <c>NUGET_PACKAGES</c> and <c>~/.nuget/packages</c> that has it, else where the first would have it.
    /// </summary>
    public static string DefaultModelFolder => PackageFiles.Locate(PackageId, PackageVersion, "tools/DnnImageModels");

    /// <summary>The ResNet with the pretrained weights, in eval mode (BatchNorm uses the running statistics). Its forward gives the pooled features <c>[N, 512]</c>, or logits when it was loaded with a new head.</summary>
    public ResNet Model { get; }

    /// <summary>The ImageNet mean image subtracted by the preprocessing, <c>[1, 3, 224, 224]</c> in BGR order, 0–255 scale (channel means B 103.06, G 115.90, R 123.15).</summary>
    public Tensor MeanImage { get; }

    /// <summary>The ONNX file the weights were read from.</summary>
    public string ModelPath { get; }

    /// <summary>Loads the model from the NuGet package folder (restored by <c>PackageDownload</c>, see the remarks).</summary>
    /// <exception cref="FileNotFoundException">The package is not in the NuGet package folder; the message names the file and the fix.</exception>
    /// <exception cref="OnnxFormatException">The file is corrupt or not this ResNet.</exception>
    public static ImageNetResNet18 Load() => Load(classes: 0);

    /// <summary>
    /// Loads the model from the NuGet package folder with a new classifier <c>fc</c> of <paramref name="classes"/> outputs
    /// (TorchVision's initialisation, trainable; every pretrained parameter frozen): the start of transfer learning.
    /// </summary>
    /// <param name="classes">Classes of the target task; 0 for no head (pooled features, as <see cref="Load()"/>).</param>
    /// <exception cref="FileNotFoundException">The package is not in the NuGet package folder; the message names the file and the fix.</exception>
    /// <exception cref="OnnxFormatException">The file is corrupt or not this ResNet.</exception>
    public static ImageNetResNet18 Load(int classes)
    {
        var folder = DefaultModelFolder;
        return Load(Path.Combine(folder, ModelFile), Path.Combine(folder, PreprocessFile), classes);
    }

    /// <summary>Loads the model from <paramref name="modelPath"/> (<c>ResNet18.onnx</c>) and the mean image from <paramref name="preprocessPath"/>
    /// (<c>ResNetPreprocess.onnx</c>; by default <c>../ResNetPrepOnnx/ResNetPreprocess.onnx</c> next to the model's folder, as in the package).</summary>
    /// <exception cref="FileNotFoundException">A file does not exist; the message names it and the fix.</exception>
    /// <exception cref="OnnxFormatException">A file is corrupt or not what it should be.</exception>
    /// <param name="modelPath">ResNet18.onnx.</param>
    /// <param name="preprocessPath">ResNetPreprocess.onnx.</param>
    /// <param name="classes">Classes of a new trainable head <c>fc</c>; 0 (the default) for none.</param>
    public static ImageNetResNet18 Load(string modelPath, string? preprocessPath = null, int classes = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        preprocessPath ??= Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "..", PreprocessFile));
        foreach (var file in new[] { modelPath, preprocessPath })
            if (!File.Exists(file))
                throw PackageFiles.Missing(file, PackageId, PackageVersion,
                    "pass the paths of ResNet18.onnx and ResNetPreprocess.onnx from an extracted copy of the package (tools/DnnImageModels)");

        Tensor mean;
        using (var prep = OnnxModel.Load(preprocessPath))
        {
            if (!prep.Initializers.TryGetValue("MeanImage", out var meanImage) || !meanImage.shape.SequenceEqual(new long[] { 1, 3, ImageSize, ImageSize }))
                throw new OnnxFormatException(preprocessPath, $"has no initializer 'MeanImage' of shape [1, 3, {ImageSize}, {ImageSize}]; is this ResNetPreprocess.onnx?");
            mean = meanImage.to(ScalarType.Float32).clone().DetachFromDisposeScope();
        }

        ResNet model;
        try
        {
            model = ResNetOnnx.Load(modelPath, Config, newHeadClasses: classes);
        }
        catch
        {
            mean.Dispose();
            throw;
        }
        foreach (var p in model.parameters()) p.requires_grad = false;
        if (model.Fc is { } head)
            foreach (var p in head.parameters()) p.requires_grad = true;
        return new ImageNetResNet18(model, mean, modelPath);
    }

    /// <summary>
    /// The preprocessing the model was trained with (ML.NET's <c>ResNetPreprocess.onnx</c>): resize to <paramref name="size"/>
    /// (bilinear), pixel values 0–255, RGB → BGR, minus the ImageNet mean image (not divided by a standard deviation).
    /// </summary>
    /// <param name="images">RGB images <c>[N, 3, H, W]</c> (or grey <c>[N, 1, H, W]</c>, replicated to 3 channels): floating point in [0, 1],
    /// or <c>uint8</c> in 0–255.</param>
    /// <param name="size">Output side; 224 (the default) is what the model was trained on. For other sizes the mean image is resized bilinearly too.</param>
    /// <returns><c>[N, 3, size, size]</c> float32, ready for <see cref="Model"/>.</returns>
    public Tensor Preprocess(Tensor images, int size = ImageSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || (images.shape[1] != 3 && images.shape[1] != 1))
            throw new ArgumentException($"Preprocess takes images [N, 3, H, W] (RGB) or [N, 1, H, W] (grey); got [{string.Join(", ", images.shape)}].", nameof(images));
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"size must be positive, got {size}.");
        using var scope = NewDisposeScope();
        var x = images.dtype == ScalarType.Byte ? images.to(ScalarType.Float32) : images.to(ScalarType.Float32) * 255f;
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        if (x.shape[2] != size || x.shape[3] != size)
            x = nn.functional.interpolate(x, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);
        var bgr = x.flip(1);
        var mean = size == ImageSize ? MeanImage
            : nn.functional.interpolate(MeanImage, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);
        return (bgr - mean).MoveToOuterDisposeScope();
    }

    /// <summary>Preprocesses <paramref name="images"/> (see <see cref="Preprocess"/>) and returns the pooled features <c>[N, 512]</c>, without gradients.</summary>
    public Tensor Features(Tensor images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = Preprocess(images);
        return Model.call(input).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the model and the mean image.</summary>
    public void Dispose()
    {
        Model.Dispose();
        MeanImage.Dispose();
    }
}
