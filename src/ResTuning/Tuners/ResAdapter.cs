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
public sealed class ResAdapter : nn.Module<Tensor, Tensor>
{
    private readonly Linear down;
    private readonly nn.Module<Tensor, Tensor> activation;
    private readonly Dropout? dropout;
    private readonly Linear up;

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
        : base(name)
    {
        RangeGuard.Check(ValidRange.Positive, inFeatures, nameof(inFeatures), "Res-Adapter input width");
        RangeGuard.Check(ValidRange.Positive, hiddenDim, nameof(hiddenDim), "Res-Adapter hidden dim");
        RangeGuard.CheckIfGiven(ValidRange.Positive, outFeatures, nameof(outFeatures), "Res-Adapter output width");
        RangeGuard.Check(ValidRange.Dropout, dropout, nameof(dropout), "Dropout");

        InFeatures = inFeatures;
        HiddenDim = hiddenDim;
        OutFeatures = outFeatures ?? inFeatures;
        Activation = activation;

        down = nn.Linear(inFeatures, hiddenDim);
        up = nn.Linear(hiddenDim, OutFeatures);
        (this.activation, this.dropout) = AdapterParts.Register(this, down, up, up.weight!, up.bias!, activation, dropout, zeroInit);
    }

    /// <summary>Width of the input the adapter reads.</summary>
    public long InFeatures { get; }

    /// <summary>Bottleneck width.</summary>
    public long HiddenDim { get; }

    /// <summary>Width of the output the adapter adds to.</summary>
    public long OutFeatures { get; }

    /// <summary>The non-linearity.</summary>
    public AdapterActivationKind Activation { get; }

    /// <summary>The down projection (<c>InFeatures → HiddenDim</c>).</summary>
    public Linear Down => down;

    /// <summary>The up projection (<c>HiddenDim → OutFeatures</c>).</summary>
    public Linear Up => up;

    /// <summary>Computes <c>W_up σ(W_down x)</c> over the last dimension of <paramref name="x"/>.</summary>
    public override Tensor forward(Tensor x)
    {
        var h = Hidden(x);
        var output = up.call(h);
        Temporaries.Free(h, x, output);
        return output;
    }

    /// <summary>The bottleneck activations <c>dropout(σ(W_down x))</c>, before the up projection; a bypass stage whose two
    /// tuners are adapters multiplies both of these by their up projections in one matrix product.</summary>
    internal Tensor Hidden(Tensor x)
    {
        ShapeChecks.LastDim(GetName(), x, InFeatures);
        return AdapterParts.Bottleneck(down, activation, dropout, x);
    }
}
