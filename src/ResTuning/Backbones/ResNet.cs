namespace ResTuning.Backbones;

/// <summary>
/// A ResNet whose module and state-dict names match TorchVision's <c>torchvision.models.resnet</c>: <c>conv1</c>, <c>bn1</c>,
/// <c>relu</c>, <c>maxpool</c>, <c>layer1</c> ... <c>layer4</c> (blocks indexed 0..n-1, each with <c>conv1</c>, <c>bn1</c>,
/// <c>conv2</c>, <c>bn2</c>, [<c>conv3</c>, <c>bn3</c>], [<c>downsample.0</c>, <c>downsample.1</c>]), <c>avgpool</c> and,
/// when <see cref="ResNetConfig.Classes"/> is positive, <c>fc</c>.
/// </summary>
/// <remarks>
/// The forward pass returns logits, or pooled and flattened features <c>[B, FeatureDim]</c> without a head. For taps the
/// stages are exposed: <see cref="Stem"/> (x_0, the input of <c>layer1</c>), <see cref="Stages"/> (every block is a module,
/// so forward hooks on it see its output), <see cref="ForwardFeatures"/> (the last feature map) and <see cref="ForwardHead"/>.
/// BatchNorm follows TorchSharp's train / eval mode: call <c>eval()</c> to use the running statistics.
/// </remarks>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly ModuleList<ResNetBlock>[] layers;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear? fc;

    /// <summary>Creates a randomly initialised ResNet (TorchVision's init: Kaiming-normal fan-out convolutions, BatchNorm weight 1 and bias 0).</summary>
    /// <param name="config">The shape; validated.</param>
    /// <param name="name">Module name.</param>
    public ResNet(ResNetConfig config, string name = "resnet") : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var eps = config.BatchNormEps;
        conv1 = nn.Conv2d(config.InChannels, ResNetConfig.BaseWidth, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(ResNetConfig.BaseWidth, eps: eps);
        relu = nn.ReLU(inplace: true);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        register_module("relu", relu);
        register_module("maxpool", maxpool);

        layers = new ModuleList<ResNetBlock>[config.Layers.Count];
        long inChannels = ResNetConfig.BaseWidth;
        for (var stage = 0; stage < layers.Length; stage++)
        {
            long planes = ResNetConfig.BaseWidth << stage;
            var stride = stage == 0 ? 1 : 2;
            var list = new ModuleList<ResNetBlock>();
            for (var b = 0; b < config.Layers[stage]; b++)
            {
                ResNetBlock block = config.Block == BlockKind.Basic
                    ? new BasicBlock(inChannels, planes, b == 0 ? stride : 1, eps)
                    : new Bottleneck(inChannels, planes, b == 0 ? stride : 1, eps);
                list.Add(block);
                inChannels = block.OutChannels;
            }
            layers[stage] = list;
            register_module($"layer{stage + 1}", list);
        }

        avgpool = nn.AdaptiveAvgPool2d(1);
        register_module("avgpool", avgpool);
        if (config.Classes > 0)
        {
            fc = nn.Linear(inChannels, config.Classes);
            register_module("fc", fc);
        }

        using (no_grad())
        {
            foreach (var (paramName, p) in named_parameters())
            {
                if (paramName.StartsWith("fc.", StringComparison.Ordinal)) continue; // Linear's default init, as TorchVision
                if (p.dim() == 4) nn.init.kaiming_normal_(p, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                else if (paramName.EndsWith("weight", StringComparison.Ordinal)) nn.init.ones_(p);
                else nn.init.zeros_(p);
            }
        }
    }

    /// <summary>The shape this model was built with.</summary>
    public ResNetConfig Config { get; }

    /// <summary>Channels of the pooled features (512 for ResNet-18/34, 2048 for ResNet-50).</summary>
    public int FeatureDim => Config.FeatureDim;

    /// <summary>The stem's 7×7 stride-2 convolution.</summary>
    public Conv2d Conv1 => conv1;

    /// <summary>The stem's BatchNorm.</summary>
    public BatchNorm2d Bn1 => bn1;

    /// <summary>The stem's 3×3 stride-2 max pool.</summary>
    public MaxPool2d MaxPool => maxpool;

    /// <summary>The stages <c>layer1</c>, <c>layer2</c>, ... in order.</summary>
    public IReadOnlyList<ModuleList<ResNetBlock>> Stages => layers;

    /// <summary><c>layer1</c>.</summary>
    public ModuleList<ResNetBlock> Layer1 => Stage(0);

    /// <summary><c>layer2</c>.</summary>
    public ModuleList<ResNetBlock> Layer2 => Stage(1);

    /// <summary><c>layer3</c>.</summary>
    public ModuleList<ResNetBlock> Layer3 => Stage(2);

    /// <summary><c>layer4</c>.</summary>
    public ModuleList<ResNetBlock> Layer4 => Stage(3);

    /// <summary>The global average pool.</summary>
    public AdaptiveAvgPool2d AvgPool => avgpool;

    /// <summary>The classifier, or null when <see cref="ResNetConfig.Classes"/> is 0.</summary>
    public Linear? Fc => fc;

    /// <summary>Images <c>[B, C, H, W]</c> to the input of <c>layer1</c>: conv1, bn1, ReLU, max pool (<c>[B, 64, H/4, W/4]</c>).</summary>
    public Tensor Stem(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = conv1.call(images);
        var n = bn1.call(h);
        Temporaries.Free(h, images, n);
        n = relu.call(n);
        var pooled = maxpool.call(n);
        Temporaries.Free(n, images, pooled);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>Runs every block of stage <paramref name="stage"/> (0 for <c>layer1</c>) on <paramref name="x"/>.</summary>
    public Tensor RunStage(int stage, Tensor x)
    {
        return Temporaries.Chain(Stage(stage), x, static (block, h) => block.call(h));
    }

    /// <summary>Images to the last stage's feature map <c>[B, FeatureDim, H/32, W/32]</c>.</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        var stem = Stem(images);
        var features = Temporaries.Chain(Enumerable.Range(0, layers.Length), stem, RunStage);
        Temporaries.Free(stem, features);
        return features;
    }

    /// <summary>A feature map to the output: global average pool, flatten, and <c>fc</c> when there is one.</summary>
    public Tensor ForwardHead(Tensor features)
    {
        var pooled = avgpool.call(features);
        var flat = pooled.flatten(1);
        Temporaries.Free(pooled, flat);
        if (fc is null) return flat;
        var logits = fc.call(flat);
        flat.Dispose();
        return logits;
    }

    /// <summary>Images to logits, or to pooled features <c>[B, FeatureDim]</c> without a head.</summary>
    public override Tensor forward(Tensor images)
    {
        var features = ForwardFeatures(images);
        var output = ForwardHead(features);
        Temporaries.Free(features, output);
        return output;
    }

    private ModuleList<ResNetBlock> Stage(int stage) =>
        stage >= 0 && stage < layers.Length
            ? layers[stage]
            : throw new ArgumentOutOfRangeException(nameof(stage), $"Stage {stage} does not exist; this ResNet has stages 0..{layers.Length - 1} (layer1..layer{layers.Length}).");
}
