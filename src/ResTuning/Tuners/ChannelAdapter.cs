namespace ResTuning.Tuners;

/// <summary>
/// Res-Adapter for feature maps (the paper's tuners on convolutional stages such as a U-Net's): per pixel,
/// <c>R(x) = W_up · σ(W_down · x)</c> over the channels of a <c>[N, C, H, W]</c> input, implemented with 1×1 convolutions.
/// Read from the operator's input and added in parallel to its output.
/// </summary>
/// <remarks>
/// <para>With <c>zeroInit</c> (the default) the up projection starts at zero, so a model with this tuner attached computes
/// exactly what its frozen backbone computes until the first optimizer step. Submodules are named <c>down</c> and
/// <c>up</c> (parameters <c>down.weight</c>, <c>down.bias</c>, <c>up.weight</c>, <c>up.bias</c>), as in
/// <see cref="ResAdapter"/>; the conv weights are <c>[dim, C, 1, 1]</c> and <c>[C_out, dim, 1, 1]</c>.</para>
/// <para>A stride <c>s &gt; 1</c> makes the down projection a 1×1 convolution with stride s: the adapter reads every s-th
/// pixel, <c>x[:, :, ::s, ::s]</c>, and its output is <c>⌈H/s⌉ × ⌈W/s⌉</c>. That is the output size of a downsampling
/// stage whose 3×3 convolution has stride s and padding 1 (or whose 1×1 shortcut has stride s), such as the first
/// block of a ResNet stage, so the adapter can run beside it.</para>
/// </remarks>
public sealed class ChannelAdapter : BottleneckAdapter<Conv2d>
{
    /// <summary>Creates a channel adapter.</summary>
    /// <param name="inChannels">Channels of the operator's input.</param>
    /// <param name="hiddenDim">Bottleneck width (the adapter's "dim").</param>
    /// <param name="outChannels">Channels of the operator's output; defaults to <paramref name="inChannels"/>.</param>
    /// <param name="activation">Non-linearity between the projections.</param>
    /// <param name="dropout">Dropout probability applied to the bottleneck, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise the up projection so the tuner starts as the identity of the backbone.</param>
    /// <param name="stride">Stride of the down projection (positive): the operator's spatial downsampling factor.</param>
    /// <param name="name">Module name used in messages.</param>
    public ChannelAdapter(long inChannels, long hiddenDim, long? outChannels = null, AdapterActivationKind activation = AdapterActivationKind.Gelu,
        double dropout = 0.0, bool zeroInit = true, long stride = 1, string name = "channel_adapter")
        : base(name, Projections(inChannels, hiddenDim, outChannels, dropout, stride), hiddenDim, activation, dropout, zeroInit)
    {
        InChannels = inChannels;
        OutChannels = outChannels ?? inChannels;
        Stride = stride;
    }

    /// <summary>Channels of the input the adapter reads.</summary>
    public long InChannels { get; }

    /// <summary>Channels of the output the adapter adds to.</summary>
    public long OutChannels { get; }

    /// <summary>Stride of the down projection (1: same spatial size as the input).</summary>
    public long Stride { get; }

    // Checked before the projections exist, so that a bad size is named rather than failing inside TorchSharp. The
    // projections are 1×1 convolutions: the down one [dim, C, 1, 1] with the stride, the up one [C_out, dim, 1, 1].
    private static (Conv2d, Conv2d, Tensor, Tensor) Projections(long inChannels, long hiddenDim, long? outChannels, double dropout, long stride)
    {
        RangeGuard.Check(ValidRange.Positive, inChannels, nameof(inChannels), "Channel adapter input channels");
        RangeGuard.Check(ValidRange.Positive, hiddenDim, nameof(hiddenDim), "Channel adapter hidden dim");
        RangeGuard.CheckIfGiven(ValidRange.Positive, outChannels, nameof(outChannels), "Channel adapter output channels");
        RangeGuard.Check(ValidRange.Dropout, dropout, nameof(dropout), "Dropout");
        RangeGuard.Check(ValidRange.Positive, stride, nameof(stride), "Channel adapter stride");
        var down = nn.Conv2d(inChannels, hiddenDim, 1, stride: stride);
        var up = nn.Conv2d(hiddenDim, outChannels ?? inChannels, 1);
        return (down, up, up.weight!, up.bias!);
    }

    /// <summary>Reads a <c>[N, InChannels, H, W]</c> feature map, per pixel.</summary>
    private protected override void CheckInput(Tensor x) => ShapeChecks.FeatureMap(GetName(), x, InChannels);
}
