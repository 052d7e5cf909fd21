namespace ResTuning.Samples.Classification;

/// <summary>Options of the classification sample (from the command line).</summary>
public sealed record SampleSettings
{
    /// <summary>Downstream training epochs per method.</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Pretraining epochs on the source task (ignored with a pretrained checkpoint).</summary>
    public int PretrainEpochs { get; init; } = 8;

    /// <summary>Mini-batch size.</summary>
    public int Batch { get; init; } = 64;

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Folder for checkpoints, results and plots.</summary>
    public string Output { get; init; } = "out/classify";

    /// <summary>Image side in pixels.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Training examples of the synthetic tasks.</summary>
    public int TrainExamples { get; init; } = 2048;

    /// <summary>Test examples of the synthetic downstream task.</summary>
    public int TestExamples { get; init; } = 512;

    /// <summary>A pretrained ViT as <c>.safetensors</c> (timm names); null to pretrain on the source task.</summary>
    public string? Pretrained { get; init; }

    /// <summary>An image folder (<c>root/class/image.png</c>) to tune on instead of the synthetic downstream task.</summary>
    public string? DataFolder { get; init; }

    /// <summary>Random seed.</summary>
    public int Seed { get; init; } = 7;
}
