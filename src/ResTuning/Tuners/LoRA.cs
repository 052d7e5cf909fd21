namespace ResTuning.Tuners;

/// <summary>
/// LoRA as an unbound tuner: <c>R(x) = dropout(x)·Aᵀ·Bᵀ·(α/r)</c>, parallel to a frozen linear <c>x·Wᵀ</c>.
/// Mergeable: <c>W + (α/r)·B·A</c> computes the same function (see <see cref="Parallel.ResParallel.Merge"/>).
/// </summary>
/// <remarks>Parameters follow PEFT: <c>lora_A</c> <c>[r, in]</c>, <c>lora_B</c> <c>[out, r]</c> (see <see cref="LowRankTuner"/>).</remarks>
public sealed class LoRA : LowRankTuner
{
    /// <summary>Creates a LoRA tuner.</summary>
    /// <param name="inFeatures">Input width of the frozen linear.</param>
    /// <param name="outFeatures">Output width of the frozen linear.</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive); the update is scaled by α/r.</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B (PEFT's default) so the tuner starts at zero.</param>
    /// <param name="name">Module name.</param>
    public LoRA(long inFeatures, long outFeatures, long rank, double alpha, double dropout = 0.0, bool zeroInit = true, string name = "lora")
        : base(name, "LoRA", rank, alpha, dropout, zeroInit, Shapes(inFeatures, outFeatures, rank))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    // A [r, in], B [out, r]; the widths checked before any tensor exists.
    private static (long[], long[]) Shapes(long inFeatures, long outFeatures, long rank)
    {
        RangeGuard.Check(ValidRange.Positive, inFeatures, nameof(inFeatures), "LoRA input width");
        RangeGuard.Check(ValidRange.Positive, outFeatures, nameof(outFeatures), "LoRA output width");
        return (new[] { rank, inFeatures }, new[] { outFeatures, rank });
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ShapeChecks.LastDim(GetName(), x, InFeatures);
        return nn.functional.linear(nn.functional.linear(Dropped(x), A), B) * Scaling;
    }

    /// <summary>The weight update <c>(α/r)·B·A</c>, <c>[out, in]</c>, that merging adds to the frozen weight.</summary>
    public Tensor DeltaWeight() => B.matmul(A) * Scaling;
}
