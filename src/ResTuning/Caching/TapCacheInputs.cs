namespace ResTuning.Caching;

/// <summary>
/// Gives the backbone's inputs for examples <c>start..start+count-1</c>, preprocessed exactly as in training (batch first,
/// on the backbone's device). With augmented views, <paramref name="view"/> (0..views-1) selects the view: make the augmentation
/// a deterministic function of the example index and the view (e.g. seed it with both), so every process extracting a part
/// produces the same views.
/// </summary>
/// <param name="start">First example index.</param>
/// <param name="count">Number of examples.</param>
/// <param name="view">The augmented view, 0 when the cache has one view of plain inputs.</param>
/// <returns>The inputs, <c>[count, ...]</c>.</returns>
public delegate Tensor TapCacheInputs(long start, int count, int view);
