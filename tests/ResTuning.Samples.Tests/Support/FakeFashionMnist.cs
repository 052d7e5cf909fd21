using System.IO;
using ResTuning.Data;

namespace ResTuning.Samples.Tests.Support;

/// <summary>
/// Writes a small stand-in for Fashion-MNIST (the same four IDX files, 28×28, ten classes) into a temporary folder.
/// Each image carries where it came from in its first pixels, so a test can trace any image of a split back to its
/// file, its index and its original class: pixel 0 and 1 hold the index (high, low byte), pixel 2 is 255 for the test
/// file and 0 for the training file. The rest is an easy pattern: a background whose brightness and a bright bar whose row depend on the class.
/// </summary>
public sealed class FakeFashionMnist : IDisposable
{
    public FakeFashionMnist(int trainPerClass = 30, int testPerClass = 12)
    {
        Folder = Directory.CreateTempSubdirectory("restuning-fmnist-").FullName;
        Write("train", trainPerClass, test: false);
        Write("t10k", testPerClass, test: true);
    }

    public string Folder { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>Decodes (is-test, index) from an image normalised by the sample (inverse of its mean/std scaling).</summary>
    public static (bool Test, int Index) Trace(float[] normalisedPixels)
    {
        int Raw(int i) => (int)Math.Round((normalisedPixels[i] * 0.353f + 0.286f) * 255f);
        return (Raw(2) > 127, Raw(0) * 256 + Raw(1));
    }

    /// <summary>The original class of image <paramref name="index"/> of a file with <paramref name="perClass"/> images per class.</summary>
    public static int ClassOf(int index) => index % 10;

    private void Write(string prefix, int perClass, bool test)
    {
        var count = perClass * 10;
        var random = new Random(test ? 2 : 1);
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var label = ClassOf(i);
            labels[i] = (byte)label;
            var image = pixels.AsSpan(i * 784, 784);
            for (var p = 3; p < 784; p++) image[p] = (byte)(20 * label + random.Next(0, 40));
            var row = 3 + 2 * label;
            for (var x = 4; x < 24; x++) image[row * 28 + x] = 250;
            image[0] = (byte)(i >> 8);
            image[1] = (byte)(i & 0xff);
            image[2] = test ? (byte)255 : (byte)0;
        }
        IdxFile.Write(Path.Combine(Folder, $"{prefix}-images-idx3-ubyte.gz"), new IdxArray(new[] { count, 28, 28 }, pixels));
        IdxFile.Write(Path.Combine(Folder, $"{prefix}-labels-idx1-ubyte.gz"), new IdxArray(new[] { count }, labels));
    }
}
