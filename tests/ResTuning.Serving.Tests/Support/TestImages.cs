using System.IO;
using StbImageWriteSharp;

namespace ResTuning.Serving.Tests.Support;

/// <summary>Deterministic test images encoded as PNG or JPEG.</summary>
public static class TestImages
{
    /// <summary>Interleaved pixels of <paramref name="channels"/> components, a pattern varied by <paramref name="seed"/>.</summary>
    public static byte[] Pixels(int width, int height, int channels, int seed)
    {
        var random = new Random(seed);
        var data = new byte[width * height * channels];
        random.NextBytes(data);
        return data;
    }

    /// <summary>A PNG (1 grey, 3 RGB or 4 RGBA channels).</summary>
    public static byte[] Png(int width, int height, int channels = 3, int seed = 1) => Png(Pixels(width, height, channels, seed), width, height, channels);

    /// <summary>Encodes <paramref name="pixels"/> as a PNG.</summary>
    public static byte[] Png(byte[] pixels, int width, int height, int channels)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(pixels, width, height, Components(channels), stream);
        return stream.ToArray();
    }

    /// <summary>A JPEG (RGB).</summary>
    public static byte[] Jpeg(int width, int height, int seed = 1)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(Pixels(width, height, 3, seed), width, height, ColorComponents.RedGreenBlue, stream, 90);
        return stream.ToArray();
    }

    private static ColorComponents Components(int channels) => channels switch
    {
        1 => ColorComponents.Grey,
        3 => ColorComponents.RedGreenBlue,
        4 => ColorComponents.RedGreenBlueAlpha,
        _ => throw new ArgumentOutOfRangeException(nameof(channels)),
    };
}
