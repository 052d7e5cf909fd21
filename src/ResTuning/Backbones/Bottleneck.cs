namespace ResTuning.Backbones;

/// <summary>
/// TorchVision's <c>Bottleneck</c> (ResNet v1.5, the stride on the 3×3): 1×1 <c>conv1</c> to <c>planes</c>, 3×3 <c>conv2</c>,
/// 1×1 <c>conv3</c> to <c>planes · 4</c>, each followed by its BatchNorm (<c>bn1</c>..<c>bn3</c>), ReLU after the first two
/// and after the shortcut (<c>downsample.0</c> 1×1 convolution, <c>downsample.1</c> BatchNorm) is added.
/// </summary>
public sealed class Bottleneck : ResNetBlock
{
    /// <summary>Output channels per unit of width (4).</summary>
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;

    /// <summary>Creates a bottleneck from <paramref name="inChannels"/> to <paramref name="planes"/> · 4 channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="planes">Width of the inner convolutions.</param>
    /// <param name="stride">Stride of <c>conv2</c> and of the shortcut.</param>
    /// <param name="eps">BatchNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public Bottleneck(long inChannels, long planes, long stride = 1, double eps = 1e-5, string name = "Bottleneck") : base(name)
    {
        conv1 = Conv1x1(inChannels, planes);
        bn1 = nn.BatchNorm2d(planes, eps: eps);
        conv2 = Conv3x3(planes, planes, stride);
        bn2 = nn.BatchNorm2d(planes, eps: eps);
        conv3 = Conv1x1(planes, planes * Expansion);
        bn3 = nn.BatchNorm2d(planes * Expansion, eps: eps);
        relu = nn.ReLU(inplace: true);
        downsample = MakeDownsample(inChannels, planes * Expansion, stride, eps);
        OutChannels = planes * Expansion;
        Stride = stride;
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("conv2", conv2);
        register_module("bn2", bn2);
        register_module("conv3", conv3);
        register_module("bn3", bn3);
        register_module("relu", relu);
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

    /// <summary>The 1×1 expansion.</summary>
    public Conv2d Conv3 => conv3;

    /// <summary>BatchNorm after <see cref="Conv3"/>.</summary>
    public BatchNorm2d Bn3 => bn3;

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
        h = ConvBn(conv2, bn2, h, x, relu);
        return AddShortcut(ConvBn(conv3, bn3, h, x), x).MoveToOuterDisposeScope();
    }
}
