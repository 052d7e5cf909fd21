using ResTuning.Tuners;

namespace ResTuning.Bypass;

/// <summary>Ready-made stage lists for bypasses whose taps all have the same width (e.g. every ViT block).</summary>
public static class BypassStages
{
    /// <summary>
    /// <paramref name="count"/> stages with a <see cref="ResAdapter"/> (zero-initialised up projection) as lateral and
    /// as vertical, as in the paper's bypass.
    /// </summary>
    /// <param name="count">Number of stages (the taps after x_0).</param>
    /// <param name="width">Width of the taps.</param>
    /// <param name="hiddenDim">Adapter bottleneck.</param>
    /// <param name="residualLateral">Wrap the lateral adapter in <see cref="Residual"/> (<c>x_l + R(x_l)</c>): with the
    /// sum mix the bypass then starts as the backbone (<c>b_L = x_L</c>), the right start when re-entering it.</param>
    /// <param name="mix">Creates each stage's mix; <see cref="BypassMix.Sum"/> when omitted.</param>
    public static IReadOnlyList<BypassStage> Adapters(int count, long width, long hiddenDim, bool residualLateral = false, Func<BypassMix>? mix = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Give the number of taps after x_0 (positive).");
        return Enumerable.Range(0, count).Select(_ =>
        {
            var lateral = new ResAdapter(width, hiddenDim, name: "lateral");
            return new BypassStage(
                residualLateral ? new Residual(lateral) : lateral,
                new ResAdapter(width, hiddenDim, name: "vertical"),
                mix?.Invoke());
        }).ToArray();
    }
}
