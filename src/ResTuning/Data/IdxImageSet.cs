namespace ResTuning.Data;

/// <summary>
/// Images and labels read from a pair of IDX files (e.g. Fashion-MNIST's <c>train-images-idx3-ubyte.gz</c> and
/// <c>train-labels-idx1-ubyte.gz</c>), as tensors.
/// </summary>
/// <param name="Images">Pixels <c>[N, H, W]</c>, <c>uint8</c>.</param>
/// <param name="Labels">Class indices <c>[N]</c>, <c>int64</c>.</param>
public sealed record IdxImageSet(Tensor Images, Tensor Labels)
{
    /// <summary>Number of examples.</summary>
    public long Count => Labels.shape[0];

    /// <summary>Reads an image file and its label file and checks that they belong together.</summary>
    /// <exception cref="System.IO.FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt, the image file is not <c>[N, H, W]</c>, the label file is not <c>[N]</c>,
    /// or the two counts disagree.</exception>
    public static IdxImageSet Load(string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Length != 3)
            throw new IdxFormatException(imagesPath, $"an image file must be 3-dimensional [N, H, W]; this one is [{string.Join(", ", images.Shape)}]. Are the image and label files swapped?");
        if (labels.Shape.Length != 1)
            throw new IdxFormatException(labelsPath, $"a label file must be 1-dimensional [N]; this one is [{string.Join(", ", labels.Shape)}]. Are the image and label files swapped?");
        if (images.Count != labels.Count)
            throw new IdxFormatException(labelsPath, $"holds {labels.Count} labels but '{imagesPath}' holds {images.Count} images: the two files do not belong together.");

        var pixels = tensor(images.Data, new long[] { images.Shape[0], images.Shape[1], images.Shape[2] }, ScalarType.Byte);
        var classes = tensor(labels.Data.Select(b => (long)b).ToArray());
        return new IdxImageSet(pixels, classes);
    }

    /// <summary>The examples whose label is one of <paramref name="classes"/>, relabelled to their position in it (0, 1, ...).</summary>
    public IdxImageSet WithClasses(params int[] classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Length == 0 || classes.Distinct().Count() != classes.Length)
            throw new ArgumentException("Name at least one class, each once.", nameof(classes));
        var labels = Labels.data<long>().ToArray();
        var keep = Enumerable.Range(0, labels.Length).Where(i => Array.IndexOf(classes, (int)labels[i]) >= 0).Select(i => (long)i).ToArray();
        var index = tensor(keep);
        var relabelled = keep.Select(i => (long)Array.IndexOf(classes, (int)labels[i])).ToArray();
        return new IdxImageSet(Images.index_select(0, index), tensor(relabelled));
    }
}
