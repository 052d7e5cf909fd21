using System.IO;

namespace ResTuning.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 70,000 grayscale 28×28 images of 10 clothing classes, as IDX files. Debian and
/// Ubuntu ship it as the package <c>dataset-fashion-mnist</c> in <see cref="DefaultFolder"/>; any folder with the
/// same four files works (macOS, Windows, an offline copy).
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian/Ubuntu package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian/Ubuntu package that provides the data set.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>Image side in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The four files a folder must hold (gzip-compressed; the same names without <c>.gz</c> work too).</summary>
    public static IReadOnlyList<string> FileNames { get; } = new[]
    {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    };

    /// <summary>True when <paramref name="folder"/> holds all four files (compressed or not).</summary>
    public static bool IsPresent(string folder) =>
        Directory.Exists(folder) && Array.TrueForAll(FileNamesArray, f => Resolve(folder, f) is not null);

    /// <summary>Loads the training split (60,000 images) or the test split (10,000) from <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install the data set.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt.</exception>
    public static IdxImageSet Load(string folder, bool train)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var prefix = train ? "train" : "t10k";
        return IdxImageSet.Load(Require(folder, $"{prefix}-images-idx3-ubyte.gz"), Require(folder, $"{prefix}-labels-idx1-ubyte.gz"));
    }

    private static string[] FileNamesArray => (string[])FileNames;

    private static string Require(string folder, string name) =>
        Resolve(folder, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST file '{name}' is not in '{folder}'. On Debian or Ubuntu: apt-get install {DebianPackage} (files in {DefaultFolder}); " +
            $"elsewhere copy the four files ({string.Join(", ", FileNames)}) into one folder and name it.", Path.Combine(folder, name));

    private static string? Resolve(string folder, string gzName)
    {
        var gz = Path.Combine(folder, gzName);
        if (File.Exists(gz)) return gz;
        var plain = Path.Combine(folder, gzName[..^3]);
        return File.Exists(plain) ? plain : null;
    }
}
