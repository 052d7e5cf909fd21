namespace ResTuning.Generators.Model;

/// <summary>
/// The trainable parameters a parallel model adds, computed at compile time the way the runtime registers them
/// (each kind counts its own, <see cref="Tuners.TunerKindSpec.ParametersPerTap"/>; a learned scale here); only for kinds
/// that can count, widths and tap counts that are constants, and no <c>[Trainable]</c> module (its size is the backbone's).
/// </summary>
internal static class ParallelParameterCount
{
    /// <summary>The count, when every width and count is a compile-time constant and the sum fits a long; else -1.</summary>
    public static long Of(IReadOnlyList<TunerSpec> tuners, IReadOnlyList<TrainableSpec> trainable)
    {
        if (trainable.Count > 0) return -1;
        long total = 0;
        try
        {
            checked
            {
                foreach (var t in tuners)
                {
                    if (!t.In.IsConstant || !t.Out.IsConstant || t.Tap.MatchCount < 0) return -1;
                    if (t.Kind.ParametersPerTap(t.In.Value, t.Out.Value) is not { } perTap) return -1;
                    perTap += t.Scale switch { TunerScaleKind.LearnedScalar => 1, TunerScaleKind.LearnedPerChannel => t.Out.Value, _ => 0 };
                    total += perTap * t.Tap.MatchCount;
                }
            }
        }
        catch (OverflowException)
        {
            return -1; // too many to count at compile time: counted at run time instead
        }
        return total;
    }
}
