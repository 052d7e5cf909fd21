using System;
using System.IO;
using System.Linq;
using SkiaSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Data;

/// <summary>
/// Loads an image-classification folder laid out as <c>root/{class}/{image}.png|jpg|jpeg|bmp|webp</c>
/// (the torchvision <c>ImageFolder</c> layout), resized to a square, normalised like the synthetic data.
/// </summary>
public static class ImageFolderDataset
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif" };

    /// <summary>Loads every image under <paramref name="root"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no class folders with images, or an image cannot be decoded.</exception>
    public static LabeledImages Load(string root, int imageSize, int? maxPerClass = null)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist. Expected root/<class>/<image>.png.");
        var classes = Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal).ToArray();
        var files = classes
            .SelectMany((dir, label) => Directory.EnumerateFiles(dir)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Take(maxPerClass ?? int.MaxValue)
                .Select(f => (File: f, Label: label)))
            .ToList();
        if (classes.Length < 2 || files.Count == 0)
            throw new InvalidDataException($"'{root}' must hold at least two class folders with images ({string.Join(", ", Extensions)}).");

        var pixels = new float[files.Count * 3 * imageSize * imageSize];
        var plane = imageSize * imageSize;
        for (var i = 0; i < files.Count; i++)
        {
            using var decoded = SKBitmap.Decode(files[i].File)
                ?? throw new InvalidDataException($"Cannot decode image '{files[i].File}'.");
            using var resized = decoded.Resize(new SKImageInfo(imageSize, imageSize, SKColorType.Rgba8888), new SKSamplingOptions(SKFilterMode.Linear));
            for (var yy = 0; yy < imageSize; yy++)
            for (var xx = 0; xx < imageSize; xx++)
            {
                var c = resized.GetPixel(xx, yy);
                var o = i * 3 * plane + yy * imageSize + xx;
                pixels[o] = c.Red / 255f - 0.5f;
                pixels[o + plane] = c.Green / 255f - 0.5f;
                pixels[o + 2 * plane] = c.Blue / 255f - 0.5f;
            }
        }
        var images = tensor(pixels).view(files.Count, 3, imageSize, imageSize);
        var labels = tensor(files.Select(f => (long)f.Label).ToArray());
        return new LabeledImages(images, labels, classes.Length, classes.Select(Path.GetFileName).ToArray()!);
    }
}
