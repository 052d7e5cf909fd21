using ResTuning.Backbones;

namespace ResTuning.Tuners;

/// <summary>
/// The <see cref="ChannelAdapter"/> that runs beside a module of a convolutional backbone, shaped from the module: a
/// <see cref="Conv2d"/>'s channels and stride, a <see cref="ResNetBlock"/>'s input and output channels and stride, or the
/// widths stated. Generated models call it for <c>[ChannelAdapter]</c>, so the facts about a module live here only.
/// </summary>
public static class ChannelAdapterFactory
{
    /// <summary>Creates the channel adapter for <paramref name="module"/>.</summary>
    /// <param name="module">The tapped module, reading <c>[N, C_in, H, W]</c> and producing <c>[N, C_out, H', W']</c>.</param>
    /// <param name="tap">The tap path as written (for messages).</param>
    /// <param name="hiddenDim">Bottleneck width (positive).</param>
    /// <param name="inChannels">C_in; 0 to read it from the module.</param>
    /// <param name="outChannels">C_out; 0 to read it from the module, or <paramref name="inChannels"/> for a module that does not tell.</param>
    /// <param name="stride">The module's downsampling factor H/H'; 0 to read it from the module (1 for a module that does not tell).</param>
    /// <param name="activation">Non-linearity between the projections.</param>
    /// <param name="dropout">Dropout on the bottleneck, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise the up projection, so the tuned model starts as the backbone.</param>
    /// <param name="name">Module name.</param>
    /// <returns>The tuner.</returns>
    /// <exception cref="InvalidOperationException">The module tells no channels and none are given, or a Conv2d's stride differs
    /// between height and width; the message names the tap and the module.</exception>
    public static ChannelAdapter For(nn.Module module, string tap, long hiddenDim, long inChannels = 0, long outChannels = 0, long stride = 0,
        AdapterActivationKind activation = AdapterActivationKind.Gelu, double dropout = 0.0, bool zeroInit = true, string name = "channel_adapter")
    {
        ArgumentNullException.ThrowIfNull(module);
        var (cin, cout, s) = module switch
        {
            Conv2d conv => (conv.in_channels, conv.out_channels, stride > 0 ? stride : ConvStride(conv, tap)),
            ResNetBlock block => (block.InChannels, block.OutChannels, block.Stride),
            _ when inChannels > 0 => (inChannels, outChannels > 0 ? outChannels : inChannels, 1L),
            _ => throw new InvalidOperationException(
                $"Tap '{tap}': a channel adapter cannot read the channels of {module.GetType().Name} ('{module.GetName()}'); it reads them from a Conv2d or a ResNetBlock. State them with In (and Out, Stride) on [ChannelAdapter]."),
        };
        // Stated values win over what the module tells: the user may know better (e.g. a subclass that reshapes).
        return new ChannelAdapter(inChannels > 0 ? inChannels : cin, hiddenDim, outChannels > 0 ? outChannels : cout, activation, dropout, zeroInit,
            stride > 0 ? stride : s, name);
    }

    // The adapter's 1×1 down projection takes one stride for both axes.
    private static long ConvStride(Conv2d conv, string tap)
    {
        var stride = conv.stride ?? new long[] { 1 };
        if (stride.Distinct().Count() > 1)
            throw new InvalidOperationException(
                $"Tap '{tap}': a channel adapter needs one stride for height and width; Conv2d '{conv.GetName()}' has stride [{string.Join(", ", stride)}]. State the one to use with Stride on [ChannelAdapter].");
        return stride.Length == 0 ? 1 : stride[0];
    }
}
