using System;
using System.Collections.Generic;
using ResTuning.Generators.Abstractions;

namespace ResTuning.Generators.Model;

/// <summary>
/// The trainable parameters a parallel model adds, computed at compile time the way the runtime registers them
/// (adapter <c>down</c>/<c>up</c> with biases, a learned scale); only for adapters whose widths and tap counts are
/// constants, and no <c>[Trainable]</c> module (its size is the backbone's).
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
                    if (t.Kind != TunerKindModel.Adapter || !t.In.IsConstant || !t.Out.IsConstant || t.Tap.MatchCount < 0) return -1;
                    long perTap = ((long)t.In.Value * t.Dim) + t.Dim + ((long)t.Dim * t.Out.Value) + t.Out.Value;
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
