using System.Collections.Generic;

namespace ResTuning.Samples.Generation;

/// <summary>What adapting the U-Net to the target style with one method achieved (a child process writes it as JSON).</summary>
public sealed record AdaptationResult
{
    /// <summary><c>bypass</c> or <c>full</c>.</summary>
    public string Method { get; init; } = "";

    /// <summary>DDPM loss on held-out target-style images (fixed timesteps and noise) after adaptation.</summary>
    public double EvalLoss { get; init; }

    /// <summary>Trainable parameter elements.</summary>
    public long Trainable { get; init; }

    /// <summary>All parameter elements (frozen U-Net included).</summary>
    public long Total { get; init; }

    /// <summary>Median milliseconds per training step.</summary>
    public double MsPerStep { get; init; }

    /// <summary>Peak resident memory during training minus the resident memory just before it.</summary>
    public long TrainingBytes { get; init; }

    /// <summary>Training loss per step.</summary>
    public List<double> Losses { get; init; } = new();

    /// <summary>The <c>.safetensors</c> file holding the samples drawn after adaptation (<c>samples</c>, display colours).</summary>
    public string SamplesPath { get; init; } = "";
}
