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

    private readonly ReLU relu = nn.ReLU(inplace: true);

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="planes"/> channels.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="planes">Output channels.</param>
    /// <param name="stride">Stride of <c>conv1</c> and of the shortcut.</param>
    /// <param name="eps">BatchNorm epsilon.</param>
    /// <param name="name">Module name.</param>
    public BasicBlock(long inChannels, long planes, long stride = 1, double eps = 1e-5, string name = "BasicBlock")
        : base(name, Conv3x3(inChannels, planes, stride), nn.BatchNorm2d(planes, eps: eps), Conv3x3(planes, planes),
            nn.BatchNorm2d(planes, eps: eps), MakeDownsample(inChannels, planes * Expansion, stride, eps), planes * Expansion, stride)
    {
        register_module("conv1", Conv1);
        register_module("bn1", Bn1);
        register_module("relu", relu);
        register_module("conv2", Conv2);
        register_module("bn2", Bn2);
        if (Downsample is not null) register_module("downsample", Downsample);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = ConvBn(Conv1, Bn1, x, x, relu);
        return AddShortcut(ConvBn(Conv2, Bn2, h, x), x).MoveToOuterDisposeScope();
    }
}
