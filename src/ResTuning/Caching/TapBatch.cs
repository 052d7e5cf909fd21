namespace ResTuning.Caching;

/// <summary>
/// One batch read from a <see cref="TapCache"/>: the example indices (to look up labels) and their taps x_0..x_L, ready for a
/// bypass's <c>Run(taps)</c>. Dispose it (or read it inside a dispose scope) to free the tensors at once.
/// </summary>
/// <param name="Examples">Example indices, <c>[B]</c> int64.</param>
/// <param name="Taps">x_0..x_L of those examples.</param>
public sealed record TapBatch(Tensor Examples, IReadOnlyList<Tensor> Taps) : IDisposable
{
    /// <summary>Frees the index and tap tensors.</summary>
    public void Dispose()
    {
        Examples.Dispose();
        foreach (var tap in Taps) tap.Dispose();
    }
}
