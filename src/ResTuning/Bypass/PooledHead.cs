namespace ResTuning.Bypass;

/// <summary>
/// A classifier for feature maps <c>[B, C, H, W]</c>: global average pooling over the pixels, then Linear <c>fc</c>.
/// The usual head on a convolutional bypass output b_L (TorchVision's ResNet head: <c>avgpool</c>, <c>fc</c>).
/// </summary>
public sealed class PooledHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    /// <param name="channels">Channels C of the feature map.</param>
    /// <param name="numClasses">Output classes.</param>
    /// <param name="name">Module name.</param>
    public PooledHead(long channels, long numClasses, string name = "head") : base(name)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "The channel count must be positive.");
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "The class count must be positive.");
        Channels = channels;
        fc = nn.Linear(channels, numClasses);
        register_module("fc", fc);
    }

    /// <summary>Channels the head reads.</summary>
    public long Channels { get; }

    /// <summary>The classifier.</summary>
    public Linear Fc => fc;

    /// <summary>Feature maps <c>[B, C, H, W]</c> to logits <c>[B, classes]</c>.</summary>
    /// <exception cref="TunerShapeException">The input is not <c>[B, C, H, W]</c> with the head's channel count.</exception>
    public override Tensor forward(Tensor features)
    {
        if (features.dim() != 4 || features.shape[1] != Channels)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, Channels, -1, -1 }, features.shape,
                "A pooled head reads [batch, channels, height, width] feature maps with the channel count it was built for.");
        using var pooled = features.mean(new long[] { 2, 3 });
        return fc.call(pooled);
    }
}
