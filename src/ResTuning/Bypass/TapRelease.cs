namespace ResTuning.Bypass;

/// <summary>
/// Frees collected taps once the bypass has run on them. The taps are detached leaves: autograd keeps its own
/// references to what backward needs, so releasing the handles here frees only what nothing needs any more, as PyTorch's
/// reference counting would. Without this, a training step or a loop over several bypasses keeps every tap of every
/// pass until its dispose scope ends. Multi-task models (MultiTaskModel, MultiTaskBypass) call it too.
/// </summary>
internal static class TapRelease
{
    /// <summary>Runs <paramref name="use"/> on <paramref name="taps"/>, then disposes every tap that is not its result.</summary>
    /// <typeparam name="T">What <paramref name="use"/> returns: a tensor or an array of tensors.</typeparam>
    /// <param name="taps">Taps collected for this call only (not shared with another caller).</param>
    /// <param name="use">Runs the bypass or bypasses on them.</param>
    /// <returns>What <paramref name="use"/> returned.</returns>
    public static T After<T>(IReadOnlyList<Tensor> taps, System.Func<IReadOnlyList<Tensor>, T> use)
    {
        var result = use(taps);
        foreach (var tap in taps)
        {
            if (!Returns(result, tap)) tap.Dispose();
        }
        return result;
    }

    private static bool Returns<T>(T result, Tensor tap) => result switch
    {
        Tensor single => ReferenceEquals(single, tap),
        Tensor[] several => System.Array.Exists(several, t => ReferenceEquals(t, tap)),
        _ => false,
    };
}
