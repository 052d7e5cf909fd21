using System.Collections.Generic;
using System.Linq;

namespace ResTuning.Samples.Reporting;

/// <summary>One learning rate tried by the sweep and its validation accuracy.</summary>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="ValidationAccuracy">Mean validation accuracy of the last epochs (see <c>MethodRun</c>).</param>
/// <param name="EpochAccuracies">Validation accuracy after each epoch.</param>
public sealed record SweepPoint(double LearningRate, double ValidationAccuracy, List<double> EpochAccuracies);

/// <summary>What one tuning method achieved, as its child process reports it (serialised as JSON).</summary>
public sealed record MethodResult
{
    /// <summary>Method name (e.g. <c>bypass</c>).</summary>
    public string Method { get; init; } = "";

    /// <summary>Test accuracy of each final run, in [0, 1], one per training seed.</summary>
    public List<double> SeedAccuracies { get; init; } = new();

    /// <summary>Mean of <see cref="SeedAccuracies"/>.</summary>
    public double AccuracyMean => SeedAccuracies.Count == 0 ? 0 : SeedAccuracies.Average();

    /// <summary>Sample standard deviation of <see cref="SeedAccuracies"/> (0 for one seed).</summary>
    public double AccuracyStd
    {
        get
        {
            if (SeedAccuracies.Count < 2) return 0;
            var mean = AccuracyMean;
            return System.Math.Sqrt(SeedAccuracies.Sum(a => (a - mean) * (a - mean)) / (SeedAccuracies.Count - 1));
        }
    }

    /// <summary>The learning rate the sweep chose on the validation split.</summary>
    public double LearningRate { get; init; }

    /// <summary>Every learning rate the sweep tried.</summary>
    public List<SweepPoint> Sweep { get; init; } = new();

    /// <summary>Trainable parameter elements.</summary>
    public long Trainable { get; init; }

    /// <summary>All parameter elements (the frozen backbone included).</summary>
    public long Total { get; init; }

    /// <summary>Median milliseconds per training step over the final runs.</summary>
    public double MsPerStep { get; init; }

    /// <summary>Memory that training adds at its peak (gradients, optimizer state, saved activations), measured by <c>MemoryProbe</c>.</summary>
    public long TrainingBytes { get; init; }

    /// <summary>Bytes of the tap cache the bypass trained on (0 when it trained live).</summary>
    public long TapCacheBytes { get; init; }

    /// <summary>Storage type of that cache (<c>float32</c>, <c>float16</c>, <c>bfloat16</c>), null when it trained live.</summary>
    public string? TapCacheDType { get; init; }

    /// <summary>Training loss per step of the first final run.</summary>
    public List<double> Losses { get; init; } = new();

    /// <summary>Validation accuracy after each epoch at the chosen learning rate (from the sweep).</summary>
    public List<double> EpochAccuracies { get; init; } = new();

    /// <summary>Training steps of the sweep and the final runs skipped for non-finite gradients (see <c>Trainer</c>).</summary>
    public int SkippedSteps { get; init; }
}
