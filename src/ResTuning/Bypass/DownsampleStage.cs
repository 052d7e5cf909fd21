namespace ResTuning.Bypass;

/// <summary>
/// Moves a bypass state down an encoder's stages (a ResNet's <c>layer1</c> → <c>layer2</c>: half the resolution, twice the
/// channels), the mirror of <see cref="UpsampleStage"/>: average pooling of <c>[B, C_in, h, w]</c> to the next tap's
/// <c>[H, W]</c>, then, where the channel count changes, a 1×1 convolution <c>conv</c> to it. Between two taps of one
/// shape (two blocks of a stage) the state passes unchanged. The convolution starts at zero, so a bypass with residual
/// laterals starts as a probe on the last tap.
/// </summary>
public sealed class DownsampleStage : BypassResize
{
    private readonly Conv2d? conv;

    /// <summary>Creates the stage.</summary>
    /// <param name="inChannels">Channels of the bypass state entering the stage.</param>
    /// <param name="outChannels">Channels of the next tap; when equal to <paramref name="inChannels"/> the stage has no parameters.</param>
    /// <param name="zeroInit">Zero-initialise the convolution (the default).</param>
    /// <param name="name">Module name.</param>
    public DownsampleStage(long inChannels, long outChannels, bool zeroInit = true, string name = "downsample") : base(inChannels, outChannels, name)
    {
        if (inChannels == outChannels) return;
        conv = nn.Conv2d(inChannels, outChannels, 1);
        if (zeroInit)
        {
            using var _ = no_grad();
            nn.init.zeros_(conv.weight);
            nn.init.zeros_(conv.bias);
        }
        register_module("conv", conv);
    }

    /// <summary>The 1×1 convolution, or null when the stage keeps the channel count.</summary>
    public Conv2d? Conv => conv;

    /// <inheritdoc />
    protected override Tensor Resize(Tensor state, long height, long width)
    {
        var pooled = state.shape[2] == height && state.shape[3] == width
            ? state.alias()
            : nn.functional.adaptive_avg_pool2d(state, new[] { height, width });
        if (conv is null) return pooled;
        var projected = conv.call(pooled);
        pooled.Dispose();
        return projected;
    }
}
