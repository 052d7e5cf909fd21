using System.Collections.Generic;

namespace ResTuning.Samples.Reporting;

/// <summary>What one tuning method achieved, as a child process reports it (serialised as JSON).</summary>
public sealed record MethodResult
{
    /// <summary>Method name (e.g. <c>bypass</c>).</summary>
    public string Method { get; init; } = "";

    /// <summary>Downstream test accuracy in [0, 1].</summary>
    public double Accuracy { get; init; }

    /// <summary>Trainable parameter elements.</summary>
    public long Trainable { get; init; }

    /// <summary>All parameter elements.</summary>
    public long Total { get; init; }

    /// <summary>Median milliseconds per training step.</summary>
    public double MsPerStep { get; init; }

    /// <summary>Peak resident memory of the process that trained the method.</summary>
    public long PeakBytes { get; init; }

    /// <summary>Resident memory just before training (model, data and libtorch loaded).</summary>
    public long BaselineBytes { get; init; }

    /// <summary>Memory that training itself added at its peak: <see cref="PeakBytes"/> − <see cref="BaselineBytes"/>.</summary>
    public long TrainingBytes => System.Math.Max(0, PeakBytes - BaselineBytes);

    /// <summary>Training loss per step.</summary>
    public List<double> Losses { get; init; } = new();

    /// <summary>Test accuracy after each epoch.</summary>
    public List<double> EpochAccuracies { get; init; } = new();
}
