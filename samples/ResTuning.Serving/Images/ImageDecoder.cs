using System;
using System.IO;
using StbImageSharp;

namespace ResTuning.Serving.Images;

/// <summary>
/// Request bytes to the backbone's input: a PNG or JPEG (told by its signature, whatever the content type said) decoded
/// with StbImageSharp to RGB (grey and RGBA are converted, alpha dropped), checked against the pixel limit from the header
/// before the pixels are decoded, then resized to the served square (see <see cref="BilinearResize"/>).
/// </summary>
public static class ImageDecoder
{
    private static ReadOnlySpan<byte> PngSignature => new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>Decodes <paramref name="bytes"/> and resizes it to <paramref name="size"/> × <paramref name="size"/>.</summary>
    /// <param name="bytes">The request body.</param>
    /// <param name="size">Side of the served square.</param>
    /// <param name="maxPixels">Largest width × height accepted.</param>
    /// <returns>Planar RGB <c>[3, size, size]</c>, values 0–255.</returns>
    /// <exception cref="RequestRejectedException">Empty, not a PNG or JPEG, over the pixel limit, or undecodable (e.g. truncated).</exception>
    public static float[] Decode(byte[] bytes, int size, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
            throw new RequestRejectedException(400, "empty-body", "Empty body", "The request body is empty: send a PNG or JPEG image.");
        var format = Sniff(bytes) ?? throw new RequestRejectedException(400, "not-an-image", "Not an image",
            $"The body ({bytes.Length} bytes) starts with neither the PNG nor the JPEG signature.");

        ImageInfo? info;
        try
        {
            using var header = new MemoryStream(bytes, writable: false);
            info = ImageInfo.FromStream(header);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            info = null;
        }
        if (info is not { } known || known.Width <= 0 || known.Height <= 0)
            throw new RequestRejectedException(400, "undecodable-image", "Undecodable image", $"The {format} header cannot be read: the file is corrupt or truncated.");
        if ((long)known.Width * known.Height > maxPixels)
            throw new RequestRejectedException(413, "too-many-pixels", "Image too large",
                $"The {format} is {known.Width} × {known.Height} = {(long)known.Width * known.Height} pixels; the limit is {maxPixels}.");

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb's own message is a bare code (often unprintable): the format and the reason are what the client can act on.
            throw new RequestRejectedException(400, "undecodable-image", "Undecodable image", $"The {format} cannot be decoded ({e.GetType().Name}): the file is corrupt or truncated.");
        }
        if (image?.Data is not { } data || data.Length < (long)image.Width * image.Height * 3)
            throw new RequestRejectedException(400, "undecodable-image", "Undecodable image", $"The {format} cannot be decoded: the file is corrupt or truncated.");
        return BilinearResize.ToPlanar(data, image.Width, image.Height, size);
    }

    /// <summary>"PNG" or "JPEG" from the first bytes, or null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature)) return "PNG";
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return "JPEG";
        return null;
    }
}
