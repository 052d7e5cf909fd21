using System;

namespace ResTuning.Serving.Images;

/// <summary>
/// Bilinear resizing of interleaved RGB bytes to a planar float square, with PyTorch's <c>align_corners=false</c> sampling
/// (no antialiasing, like the main job's <c>interpolate</c>). Done on the request's thread, so the inference worker gets
/// same-sized images to stack. A non-square image is stretched to the square, as the training data was resized.
/// </summary>
public static class BilinearResize
{
    /// <summary>Resizes <paramref name="rgb"/> (<paramref name="width"/> × <paramref name="height"/>, interleaved) to <c>[3, size, size]</c>.</summary>
    public static float[] ToPlanar(byte[] rgb, int width, int height, int size)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        var plane = size * size;
        var output = new float[3 * plane];
        Span<int> x0 = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<int> x1 = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<float> fx = size <= 1024 ? stackalloc float[size] : new float[size];
        Axis(width, size, x0, x1, fx);
        Span<int> y0 = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<int> y1 = size <= 1024 ? stackalloc int[size] : new int[size];
        Span<float> fy = size <= 1024 ? stackalloc float[size] : new float[size];
        Axis(height, size, y0, y1, fy);
        for (var y = 0; y < size; y++)
        {
            var rowA = y0[y] * width * 3;
            var rowB = y1[y] * width * 3;
            var wy = fy[y];
            for (var x = 0; x < size; x++)
            {
                var a = x0[x] * 3;
                var b = x1[x] * 3;
                var wx = fx[x];
                for (var c = 0; c < 3; c++)
                {
                    var top = rgb[rowA + a + c] + (rgb[rowA + b + c] - rgb[rowA + a + c]) * wx;
                    var bottom = rgb[rowB + a + c] + (rgb[rowB + b + c] - rgb[rowB + a + c]) * wx;
                    output[c * plane + y * size + x] = top + (bottom - top) * wy;
                }
            }
        }
        return output;
    }

    // Source index pair and weight per output index: src = (dst + 0.5) · in/out − 0.5, clamped at 0 (PyTorch's rule).
    private static void Axis(int input, int output, Span<int> low, Span<int> high, Span<float> weight)
    {
        var scale = (double)input / output;
        for (var i = 0; i < output; i++)
        {
            var src = Math.Max((i + 0.5) * scale - 0.5, 0);
            var l = Math.Min((int)src, input - 1);
            low[i] = l;
            high[i] = Math.Min(l + 1, input - 1);
            weight[i] = (float)(src - l);
        }
    }
}
