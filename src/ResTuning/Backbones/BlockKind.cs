namespace ResTuning.Backbones;

/// <summary>The residual block a <see cref="ResNet"/> is built from.</summary>
public enum BlockKind
{
    /// <summary>Two 3×3 convolutions (<see cref="BasicBlock"/>, expansion 1): ResNet-18 and -34.</summary>
    Basic,

    /// <summary>1×1, 3×3, 1×1 convolutions (<see cref="Bottleneck"/>, expansion 4, stride on the 3×3 as TorchVision's v1.5): ResNet-50 and up.</summary>
    Bottleneck,
}
