namespace ResTuning.Backbones;

/// <summary>
/// A residual block of a <see cref="ResNet"/> (<see cref="BasicBlock"/> or <see cref="Bottleneck"/>): the common
/// view of a stage's blocks, so <c>layer1</c> ... <c>layer4</c> are lists of one type whose outputs can be tapped with hooks.
/// </summary>
public abstract class ResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    /// <summary>Creates the block from the children every block kind has; the derived block registers them (in TorchVision's order).</summary>
    /// <param name="name">Module name.</param>
    /// <param name="conv1">The first convolution.</param>
    /// <param name="bn1">BatchNorm after <paramref name="conv1"/>.</param>
    /// <param name="conv2">The second convolution.</param>
    /// <param name="bn2">BatchNorm after <paramref name="conv2"/>.</param>
    /// <param name="downsample">The shortcut projection, or null for an identity shortcut.</param>
    /// <param name="outChannels">Channels of the block's output.</param>
    /// <param name="stride">The block's spatial downsampling factor.</param>
    protected ResNetBlock(string name, Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2, Sequential? downsample,
        long outChannels, long stride) : base(name)
    {
        this.conv1 = conv1;
        this.bn1 = bn1;
        this.conv2 = conv2;
        this.bn2 = bn2;
        this.downsample = downsample;
        OutChannels = outChannels;
        Stride = stride;
    }

    // The children every block kind has, declared here so that taps through a stage's list of blocks
    // (layer1.*.conv1, layer4.0.bn2) resolve at compile time on this common type.

    /// <summary>The first convolution (<c>conv1</c>: 3×3 with the stride in a BasicBlock, 1×1 in a Bottleneck).</summary>
    public Conv2d Conv1 => conv1;

    /// <summary>BatchNorm after <see cref="Conv1"/> (<c>bn1</c>).</summary>
    public BatchNorm2d Bn1 => bn1;

    /// <summary>The second convolution (<c>conv2</c>: 3×3; it carries the stride in a Bottleneck).</summary>
    public Conv2d Conv2 => conv2;

    /// <summary>BatchNorm after <see cref="Conv2"/> (<c>bn2</c>).</summary>
    public BatchNorm2d Bn2 => bn2;

    /// <summary>The shortcut projection (<c>downsample.0</c> a 1×1 convolution, <c>downsample.1</c> a BatchNorm), or null for an identity shortcut.</summary>
    public Sequential? Downsample => downsample;

    /// <summary>Channels of the block's input (those of <see cref="Conv1"/>).</summary>
    public long InChannels => Conv1.in_channels;

    /// <summary>Channels of the block's output.</summary>
    public long OutChannels { get; }

    /// <summary>
    /// The block's spatial downsampling factor: an <c>H × W</c> input gives a <c>⌈H/Stride⌉ × ⌈W/Stride⌉</c> output (the stride
    /// of its 3×3 convolution and of its shortcut). A tuner beside the block, such as a channel adapter, reads it.
    /// </summary>
    public long Stride { get; }

    /// <summary>
    /// TorchVision's shortcut rule: null (identity) where the block keeps its input's shape, else a 1×1 convolution with
    /// <paramref name="stride"/> and a BatchNorm, named <c>0</c> and <c>1</c>.
    /// </summary>
    internal static Sequential? MakeDownsample(long inChannels, long outChannels, long stride, double eps) =>
        stride == 1 && inChannels == outChannels ? null : nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
            ("1", nn.BatchNorm2d(outChannels, eps: eps)));

    /// <summary>A 3×3 convolution with padding 1 and no bias (TorchVision's <c>conv3x3</c>).</summary>
    internal static Conv2d Conv3x3(long inChannels, long outChannels, long stride = 1) =>
        nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);

    /// <summary>A 1×1 convolution with no bias (TorchVision's <c>conv1x1</c>).</summary>
    internal static Conv2d Conv1x1(long inChannels, long outChannels, long stride = 1) =>
        nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);

    /// <summary>
    /// <c>bn(conv(input))</c>, then <paramref name="relu"/> when given, freeing the convolution's output once the norm's exists
    /// and <paramref name="input"/> once used, unless it is the block's input <paramref name="x"/> (the shortcut still reads it).
    /// </summary>
    private protected static Tensor ConvBn(Conv2d conv, BatchNorm2d bn, Tensor input, Tensor x, ReLU? relu = null)
    {
        var h = conv.call(input);
        Temporaries.Free(input, x, h);
        var n = bn.call(h);
        Temporaries.Free(h, x, n);
        return relu is null ? n : relu.call(n);
    }

    /// <summary>Adds the shortcut to <paramref name="residual"/> (a fresh tensor of this block, changed in place) and applies ReLU.</summary>
    private protected Tensor AddShortcut(Tensor residual, Tensor x)
    {
        if (downsample is null)
        {
            residual.add_(x);
        }
        else
        {
            var shortcut = downsample.call(x);
            residual.add_(shortcut);
            shortcut.Dispose();
        }
        return residual.relu_();
    }
}
