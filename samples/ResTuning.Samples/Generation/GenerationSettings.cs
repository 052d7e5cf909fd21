namespace ResTuning.Samples.Generation;

/// <summary>Settings of the generative sample (its command line; the <c>generation</c> benchmark takes the same).</summary>
public sealed record GenerationSettings
{
    /// <summary>Adaptation epochs on the target style.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Pretraining epochs on the source style.</summary>
    public int PretrainEpochs { get; init; } = 12;

    /// <summary>Mini-batch size.</summary>
    public int Batch { get; init; } = 64;

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Folder for the checkpoint, results and sample grid.</summary>
    public string Output { get; init; } = "out/generate";

    /// <summary>Image side in pixels (a multiple of 4).</summary>
    public int ImageSize { get; init; } = 16;

    /// <summary>Training images per style.</summary>
    public int TrainExamples { get; init; } = 1024;

    /// <summary>Diffusion steps T.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Images drawn per grid row.</summary>
    public int Samples { get; init; } = 10;

    /// <summary>A pretrained U-Net <c>.safetensors</c>; null to pretrain (or reuse the one in <see cref="Output"/>).</summary>
    public string? Pretrained { get; init; }

    /// <summary>Random seed.</summary>
    public int Seed { get; init; } = 7;
}
