namespace ResTuning.Bypass;

/// <summary>
/// Moves a bypass state between taps of different shape (U-Net decoders): nearest interpolation of
/// <c>[B, C_in, h, w]</c> to the next tap's <c>[H, W]</c>, then a 3×3 convolution <c>conv</c> to its channel count.
/// The convolution starts at zero.
/// </summary>
public sealed class UpsampleStage : BypassResize
{
    private readonly Conv2d conv;

    /// <summary>Creates the stage.</summary>
    /// <param name="inChannels">Channels of the bypass state entering the stage.</param>
    /// <param name="outChannels">Channels of the next tap.</param>
    /// <param name="zeroInit">Zero-initialise the convolution (the default, as the reference implementation).</param>
    /// <param name="name">Module name.</param>
    public UpsampleStage(long inChannels, long outChannels, bool zeroInit = true, string name = "upsample") : base(inChannels, outChannels, name)
    {
        conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        if (zeroInit)
        {
            using var _ = no_grad();
            nn.init.zeros_(conv.weight);
            nn.init.zeros_(conv.bias);
        }
        register_module("conv", conv);
    }

    /// <summary>The 3×3 convolution.</summary>
    public Conv2d Conv => conv;

    /// <inheritdoc />
    protected override Tensor Resize(Tensor state, long height, long width)
    {
        var resized = state.shape[2] == height && state.shape[3] == width
            ? state
            : nn.functional.interpolate(state, size: new[] { height, width }, mode: InterpolationMode.Nearest);
        return conv.call(resized);
    }
}
