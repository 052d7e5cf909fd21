namespace ResTuning.Tuners;

/// <summary>
/// Res-Adapter: <c>R(x) = W_up · σ(W_down · x)</c>, read from the operator's <em>input</em> and added in
/// parallel to the operator's output (the unbound form of a sequential adapter).
/// </summary>
/// <remarks>
/// With <c>zeroInit</c> (the default) the up projection starts at zero, so a model with this tuner
/// attached computes exactly what its frozen backbone computes until the first optimizer step.
/// Submodules are named <c>down</c> and <c>up</c>.
/// </remarks>
public sealed class ResAdapter : BottleneckAdapter<Linear>
{
    /// <summary>Creates a Res-Adapter.</summary>
    /// <param name="inFeatures">Width of the operator's input.</param>
    /// <param name="hiddenDim">Bottleneck width (the adapter's "dim").</param>
    /// <param name="outFeatures">Width of the operator's output; defaults to <paramref name="inFeatures"/>.</param>
    /// <param name="activation">Non-linearity between the projections.</param>
    /// <param name="dropout">Dropout probability applied to the bottleneck, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise the up projection so the tuner starts as the identity of the backbone.</param>
    /// <param name="name">Module name used in messages.</param>
    public ResAdapter(long inFeatures, long hiddenDim, long? outFeatures = null, AdapterActivationKind activation = AdapterActivationKind.Gelu,
        double dropout = 0.0, bool zeroInit = true, string name = "res_adapter")
        : base(name, Projections(inFeatures, hiddenDim, outFeatures, dropout), hiddenDim, activation, dropout, zeroInit)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures ?? inFeatures;
    }

    /// <summary>Width of the input the adapter reads.</summary>
    public long InFeatures { get; }

    /// <summary>Width of the output the adapter adds to.</summary>
    public long OutFeatures { get; }

    // Checked before the projections exist, so that a bad width is named rather than failing inside TorchSharp.
    private static (Linear, Linear, Tensor, Tensor) Projections(long inFeatures, long hiddenDim, long? outFeatures, double dropout)
    {
        RangeGuard.Check(ValidRange.Positive, inFeatures, nameof(inFeatures), "Res-Adapter input width");
        RangeGuard.Check(ValidRange.Positive, hiddenDim, nameof(hiddenDim), "Res-Adapter hidden dim");
        RangeGuard.CheckIfGiven(ValidRange.Positive, outFeatures, nameof(outFeatures), "Res-Adapter output width");
        RangeGuard.Check(ValidRange.Dropout, dropout, nameof(dropout), "Dropout");
        var down = nn.Linear(inFeatures, hiddenDim);
        var up = nn.Linear(hiddenDim, outFeatures ?? inFeatures);
        return (down, up, up.weight!, up.bias!);
    }

    /// <summary>Reads the last dimension: <see cref="InFeatures"/> wide.</summary>
    private protected override void CheckInput(Tensor x) => ShapeChecks.LastDim(GetName(), x, InFeatures);
}
