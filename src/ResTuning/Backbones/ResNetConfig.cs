namespace ResTuning.Backbones;

/// <summary>
/// Shape of a <see cref="ResNet"/> in TorchVision's layout. Presets: <see cref="ResNet18"/>, <see cref="ResNet34"/>,
/// <see cref="ResNet50"/>; any other stage counts through <see cref="Custom"/>, e.g.
/// <c>ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2, 2, 3 }, classes: 0)</c>.
/// </summary>
/// <param name="Block">The residual block kind.</param>
/// <param name="Layers">Blocks per stage (<c>layer1</c>, <c>layer2</c>, ...); TorchVision has four stages of widths 64, 128, 256, 512.</param>
/// <param name="Classes">Classes of the <c>fc</c> head; 0 gives no head (the model returns pooled, flattened features).</param>
/// <param name="InChannels">Image channels (3 for RGB or BGR).</param>
/// <param name="BatchNormEps">Epsilon of every BatchNorm (TorchVision: 1e-5).</param>
public sealed record ResNetConfig(BlockKind Block, IReadOnlyList<int> Layers, int Classes = 1000, int InChannels = 3, double BatchNormEps = 1e-5)
{
    /// <summary>Width of the stem and of stage <c>i</c> before expansion: 64 · 2^i.</summary>
    public const int BaseWidth = 64;

    /// <summary>TorchVision <c>resnet18</c>: basic blocks [2, 2, 2, 2] (11,689,512 parameters with 1000 classes).</summary>
    public static ResNetConfig ResNet18(int classes = 1000) => new(BlockKind.Basic, new[] { 2, 2, 2, 2 }, classes);

    /// <summary>TorchVision <c>resnet34</c>: basic blocks [3, 4, 6, 3] (21,797,672 parameters with 1000 classes).</summary>
    public static ResNetConfig ResNet34(int classes = 1000) => new(BlockKind.Basic, new[] { 3, 4, 6, 3 }, classes);

    /// <summary>TorchVision <c>resnet50</c>: bottlenecks [3, 4, 6, 3] (25,557,032 parameters with 1000 classes).</summary>
    public static ResNetConfig ResNet50(int classes = 1000) => new(BlockKind.Bottleneck, new[] { 3, 4, 6, 3 }, classes);

    /// <summary>Any block kind and stage counts (each stage doubles the width and halves the resolution after the first).</summary>
    /// <param name="block">The block kind.</param>
    /// <param name="layers">Blocks per stage.</param>
    /// <param name="classes">Classes of the head; 0 for none.</param>
    public static ResNetConfig Custom(BlockKind block, IReadOnlyList<int> layers, int classes = 0) => new(block, layers.ToArray(), classes);

    /// <summary>Channels a block's output has per unit of its width: 1 for basic blocks, 4 for bottlenecks.</summary>
    public int Expansion => Block == BlockKind.Bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

    /// <summary>Channels of the last stage's output, the pooled feature width (512 · expansion for four stages).</summary>
    public int FeatureDim => BaseWidth * (1 << (Layers.Count - 1)) * Expansion;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Block)) throw new ArgumentException($"Block {(int)Block} is not a BlockKind.", nameof(Block));
        if (Layers is null || Layers.Count == 0)
            throw new ArgumentException("Layers must name at least one stage (TorchVision: four, e.g. [2, 2, 2, 2]).", nameof(Layers));
        if (Layers.Count > 8) throw new ArgumentException($"Layers has {Layers.Count} stages; at most 8 are supported (widths double per stage).", nameof(Layers));
        if (Layers.Any(n => n <= 0))
            throw new ArgumentException($"Every stage needs at least one block; got [{string.Join(", ", Layers)}].", nameof(Layers));
        if (Classes < 0) throw new ArgumentException($"Classes must be 0 (no head) or positive, got {Classes}.", nameof(Classes));
        if (InChannels <= 0) throw new ArgumentException($"InChannels must be positive, got {InChannels}.", nameof(InChannels));
        if (!(BatchNormEps > 0)) throw new ArgumentException($"BatchNormEps must be positive, got {BatchNormEps}.", nameof(BatchNormEps));
    }
}
