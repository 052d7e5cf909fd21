namespace ResTuning.Generators.Model;

/// <summary>
/// The trainable parameters of a bypass model, computed at compile time the way the runtime modules register
/// them (adapter <c>down</c>/<c>up</c> with biases, LoRA <c>A</c>/<c>B</c>, a learned λ, the upsample or downsample convolution,
/// the class-token head's LayerNorm and Linear, or the pooled head's Linear on feature maps).
/// </summary>
internal static class BypassParameterCount
{
    /// <summary>The count, or -1 when the tap count or a width is only known at run time, or the count overflows a long.</summary>
    public static long Of(int tapCount, List<int> widths, BypassTunerSpec lateral, BypassTunerSpec vertical, FeatureMapStep step, bool learnLambda, int classes)
    {
        try
        {
            return checked(Count(tapCount, widths, lateral, vertical, step, learnLambda, classes));
        }
        catch (System.OverflowException)
        {
            return -1;
        }
    }

    private static long Count(int tapCount, List<int> widths, BypassTunerSpec lateral, BypassTunerSpec vertical, FeatureMapStep step, bool learnLambda, int classes)
    {
        if (tapCount < 0 || widths.Count == 0) return -1;
        long Width(int l) => widths.Count == 1 ? widths[0] : widths[l];
        long total = 0;
        checked
        {
            for (var l = 1; l < tapCount; l++)
            {
                var w = Width(l);
                total += Tuner(lateral, w) + Tuner(vertical, w);
                if (learnLambda) total += 1;
                if (step == FeatureMapStep.Upsample) total += (9 * Width(l - 1) * w) + w;
                // A downsample step has a 1×1 convolution only where the channel count changes.
                if (step == FeatureMapStep.Downsample && Width(l - 1) != w) total += (Width(l - 1) * w) + w;
            }
            if (classes > 0)
            {
                var last = Width(tapCount - 1);
                total += (step == FeatureMapStep.None ? 2 * last : 0) + (last * classes) + classes;
            }
        }
        return total;
    }

    private static long Tuner(BypassTunerSpec tuner, long width) => tuner.Kind switch
    {
        BypassTunerKind.Adapter => checked((2 * width * tuner.Dim) + tuner.Dim + width),
        BypassTunerKind.LoRA => checked(2L * tuner.Rank * width),
        _ => 0,
    };
}
