using ResTuning.Bypass;

namespace ResTuning.Caching;

/// <summary>Runs bypasses on cached taps.</summary>
public static class TapCacheExtensions
{
    /// <summary>
    /// Runs every task of <paramref name="group"/> on taps already collected or read from a <see cref="TapCache"/> (no backbone pass):
    /// what <see cref="MultiTaskBypass.forward"/> does after its backbone pass.
    /// </summary>
    /// <param name="group">The task bypasses.</param>
    /// <param name="taps">x_0..x_L, at least <see cref="LastTap(MultiTaskBypass)"/> + 1 of them.</param>
    /// <returns>One output per task.</returns>
    public static Tensor[] Run(this MultiTaskBypass group, IReadOnlyList<Tensor> taps)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(taps);
        return group.Tasks.Select(t => t.Run(taps)).ToArray();
    }

    /// <summary>The deepest tap any task of <paramref name="group"/> reads: the <see cref="TapCacheOptions.LastTap"/> its cache needs.</summary>
    /// <param name="group">The task bypasses.</param>
    public static int LastTap(this MultiTaskBypass group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Tasks.Max(t => t.LastTap);
    }

    /// <summary>
    /// The taps of <paramref name="batch"/> for a bypass that reads taps 0..<paramref name="lastTap"/>, after checking the cache holds them
    /// (a cache may hold more taps than one bypass reads).
    /// </summary>
    /// <param name="batch">A batch from <see cref="TapCache.Batches"/> or the taps of <see cref="TapCache.Read(IReadOnlyList{long}, int, ScalarType?, Device?)"/>.</param>
    /// <param name="lastTap">The bypass's <c>LastTap</c>.</param>
    /// <returns>x_0..x_lastTap.</returns>
    /// <exception cref="ArgumentException">The cache holds fewer taps.</exception>
    public static IReadOnlyList<Tensor> For(this IReadOnlyList<Tensor> batch, int lastTap)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (lastTap >= batch.Count)
            throw new ArgumentException($"The bypass reads taps 0..{lastTap} but the cache holds 0..{batch.Count - 1}: extract it with LastTap = {lastTap} or more.", nameof(lastTap));
        return lastTap == batch.Count - 1 ? batch : batch.Take(lastTap + 1).ToArray();
    }
}
