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

    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu = nn.ReLU(inplace: true);

    /// <summary>Creates a bottleneck from <paramref name="inChannels"/> to <paramref name="planes"/> · 4 channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="planes">Width of the inner convolutions.</param>
    /// <param name="stride">Stride of <c>conv2</c> and of the shortcut.</param>
    /// <param name="eps">BatchNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public Bottleneck(long inChannels, long planes, long stride = 1, double eps = 1e-5, string name = "Bottleneck")
        : base(name, Conv1x1(inChannels, planes), nn.BatchNorm2d(planes, eps: eps), Conv3x3(planes, planes, stride),
            nn.BatchNorm2d(planes, eps: eps), MakeDownsample(inChannels, planes * Expansion, stride, eps), planes * Expansion, stride)
    {
        conv3 = Conv1x1(planes, planes * Expansion);
        bn3 = nn.BatchNorm2d(planes * Expansion, eps: eps);
        register_module("conv1", Conv1);
        register_module("bn1", Bn1);
        register_module("conv2", Conv2);
        register_module("bn2", Bn2);
        register_module("conv3", conv3);
        register_module("bn3", bn3);
        register_module("relu", relu);
        if (Downsample is not null) register_module("downsample", Downsample);
    }

    /// <summary>The 1×1 expansion.</summary>
    public Conv2d Conv3 => conv3;

    /// <summary>BatchNorm after <see cref="Conv3"/>.</summary>
    public BatchNorm2d Bn3 => bn3;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = ConvBn(Conv1, Bn1, x, x, relu);
        h = ConvBn(Conv2, Bn2, h, x, relu);
        return AddShortcut(ConvBn(conv3, bn3, h, x), x).MoveToOuterDisposeScope();
    }
}
