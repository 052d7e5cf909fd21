namespace ResTuning.Bypass;

/// <summary>
/// Moves a bypass state <c>b_(l-1)</c> to the shape of the next tap <c>x_l</c> where feature maps change size between taps:
/// <see cref="UpsampleStage"/> for a decoder (U-Net), <see cref="DownsampleStage"/> for an encoder (a ResNet's stages).
/// A <see cref="BypassStage"/> calls it before its vertical tuner.
/// </summary>
public abstract class BypassResize : nn.Module
{
    /// <summary>Creates the step.</summary>
    /// <param name="inChannels">Channels of the bypass state entering the step.</param>
    /// <param name="outChannels">Channels of the next tap.</param>
    /// <param name="name">Module name.</param>
    protected BypassResize(long inChannels, long outChannels, string name) : base(name)
    {
        if (inChannels <= 0) throw new System.ArgumentOutOfRangeException(nameof(inChannels), inChannels, "Channel counts must be positive.");
        if (outChannels <= 0) throw new System.ArgumentOutOfRangeException(nameof(outChannels), outChannels, "Channel counts must be positive.");
        InChannels = inChannels;
        OutChannels = outChannels;
    }

    /// <summary>Channels in.</summary>
    public long InChannels { get; }

    /// <summary>Channels out.</summary>
    public long OutChannels { get; }

    /// <summary>Resizes <c>[B, C_in, h, w]</c> to <c>[B, C_out, height, width]</c>.</summary>
    /// <exception cref="TunerShapeException">The state is not <c>[B, C_in, h, w]</c>.</exception>
    public Tensor Forward(Tensor state, long height, long width)
    {
        if (state.dim() != 4 || state.shape[1] != InChannels)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, InChannels, -1, -1 }, state.shape,
                $"A {GetType().Name} reads [batch, channels, height, width] bypass states with the channel count it was built for.");
        return Resize(state, height, width);
    }

    /// <summary>The step itself, on a state whose shape <see cref="Forward"/> checked.</summary>
    protected abstract Tensor Resize(Tensor state, long height, long width);
}
