namespace ResTuning.Backbones;

/// <summary>
/// TorchVision's <c>BasicBlock</c>: <c>relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))</c> with 3×3 convolutions, the
/// stride on <c>conv1</c>. Submodules <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c> and, when the shape
/// changes, <c>downsample</c> (<c>downsample.0</c> 1×1 convolution, <c>downsample.1</c> BatchNorm).
/// </summary>
public sealed class BasicBlock : ResNetBlock
{
    /// <summary>Output channels per unit of width (1).</summary>
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="planes"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of <c>conv1</c> and of the shortcut.</param>
    /// <param name="eps">BatchNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public BasicBlock(long inChannels, long planes, long stride = 1, double eps = 1e-5, string name = "BasicBlock") : base(name)
    {
        conv1 = Conv3x3(inChannels, planes, stride);
        bn1 = nn.BatchNorm2d(planes, eps: eps);
        relu = nn.ReLU(inplace: true);
        conv2 = Conv3x3(planes, planes);
        bn2 = nn.BatchNorm2d(planes, eps: eps);
        downsample = MakeDownsample(inChannels, planes * Expansion, stride, eps);
        OutChannels = planes * Expansion;
        Stride = stride;
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("relu", relu);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
        if (downsample is not null) register_module("downsample", downsample);
    }

    /// <inheritdoc />
    public override Conv2d Conv1 => conv1;

    /// <inheritdoc />
    public override BatchNorm2d Bn1 => bn1;

    /// <inheritdoc />
    public override Conv2d Conv2 => conv2;

    /// <inheritdoc />
    public override BatchNorm2d Bn2 => bn2;

    /// <inheritdoc />
    public override Sequential? Downsample => downsample;

    /// <inheritdoc />
    public override long OutChannels { get; }

    /// <inheritdoc />
    public override long Stride { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = ConvBn(conv1, bn1, x, x, relu);
        return AddShortcut(ConvBn(conv2, bn2, h, x), x).MoveToOuterDisposeScope();
    }
}
