namespace ResTuning.Tuners;

/// <summary>
/// A 2-D convolution with few output channels, computed so that its backward pass stays finite on the CPU.
/// </summary>
/// <remarks>
/// libtorch 2.10's CPU convolution (TorchSharp-cpu 0.107) now and then returns NaN in the <em>input</em> gradient of a
/// convolution with fewer than 16 output channels and a kernel wider than 1×1 (stride 1): it multiplies a scratch buffer it
/// has not written by zero, and 0·NaN is NaN when that memory last held a NaN. Measured with the heap seeded with NaN
/// (input [20, 64, 20, 20], 3×3): 4 and 8 output channels fail in 1–15 % of backward passes, 16 and 32 never; the forward
/// pass and the weight gradient are never affected, and finite garbage leaves no trace (0·x = 0). A conv LoRA's A
/// (rank 8) is exactly such a convolution, which is why LoRA on the ImageNet ResNet got sporadic non-finite gradients.
/// Padding the weight with zero filters up to 16 output channels and narrowing the result computes the same values
/// through the kernel that is correct; the padded filters are constants, so they get no gradient and train nothing.
/// </remarks>
internal static class NarrowConvolution
{
    /// <summary>Output channels from which libtorch's CPU kernel is correct (and below which this pads).</summary>
    internal const long SafeOutChannels = 16;

    /// <summary><c>conv2d(x, weight, null, stride, padding, dilation)</c>, padded to <see cref="SafeOutChannels"/> output channels on the CPU when needed.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, long[] stride, long[] padding, long[] dilation)
    {
        var outChannels = weight.shape[0];
        var kernelIsPointwise = weight.shape[2] == 1 && weight.shape[3] == 1;
        if (outChannels >= SafeOutChannels || kernelIsPointwise || x.device_type != DeviceType.CPU)
            return nn.functional.conv2d(x, weight, null, stride, padding, dilation);

        using var filler = zeros(new[] { SafeOutChannels - outChannels, weight.shape[1], weight.shape[2], weight.shape[3] }, weight.dtype, weight.device);
        using var padded = cat(new[] { weight, filler }, 0);
        using var full = nn.functional.conv2d(x, padded, null, stride, padding, dilation);
        return full.narrow(1, 0, outChannels);
    }
}
