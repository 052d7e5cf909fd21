namespace ResTuning.Samples.MultiTask;

/// <summary>What every task bypass of <see cref="SceneModels"/> shares: the taps it reads and its adapters' width.</summary>
public static class TaskBypass
{
    /// <summary>Every block of the sample ViT.</summary>
    public const string Taps = "blocks.*";

    /// <summary>Bottleneck width of the lateral and vertical adapters.</summary>
    public const int Dim = 16;
}
