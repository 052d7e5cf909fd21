using System;
using System.Collections.Generic;
using System.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>Writes rows of images as one PNG grid, each image enlarged with nearest-neighbour pixels.</summary>
public static class SampleGrid
{
    /// <summary>Saves <paramref name="rows"/> (each <c>[N, 3, S, S]</c> with colours in [0, 1]) to <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="rows">One tensor per grid row; rows may have different counts but must share the image size.</param>
    /// <param name="zoom">Screen pixels per image pixel.</param>
    public static void Save(string path, IReadOnlyList<Tensor> rows, int zoom = 4)
    {
        const int gap = 2;
        var side = (int)rows[0].shape[2];
        var columns = 0;
        foreach (var row in rows) columns = Math.Max(columns, (int)row.shape[0]);
        var cell = side * zoom + gap;
        using var bitmap = new SKBitmap(columns * cell + gap, rows.Count * cell + gap);
        bitmap.Erase(SKColors.White);
        for (var r = 0; r < rows.Count; r++)
        {
            var pixels = (rows[r].cpu().clamp(0, 1) * 255).to(ScalarType.Byte).data<byte>().ToArray();
            var count = (int)rows[r].shape[0];
            var plane = side * side;
            for (var i = 0; i < count; i++)
            for (var y = 0; y < side * zoom; y++)
            for (var x = 0; x < side * zoom; x++)
            {
                var o = i * 3 * plane + (y / zoom) * side + x / zoom;
                bitmap.SetPixel(gap + i * cell + x, gap + r * cell + y, new SKColor(pixels[o], pixels[o + plane], pixels[o + 2 * plane]));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, data.AsSpan());
    }
}
