namespace ResTuning.Tuners;

/// <summary>
/// What the adapter over tokens (<see cref="ResAdapter"/>, linear projections) and the adapter over feature maps
/// (<see cref="ChannelAdapter"/>, 1×1 convolutions) share: <c>R(x) = W_up · σ(W_down · x)</c>, its submodules' names and
/// initialisation, and the bottleneck.
/// </summary>
/// <remarks>
/// Submodules are registered as <c>down</c>, <c>act</c>, <c>dropout</c> (only when its probability is above 0) and
/// <c>up</c>, in that order. With <c>zeroInit</c> the up projection's weight and bias start at zero, so a model with the
/// adapter attached computes exactly what its frozen backbone computes until the first optimizer step.
/// </remarks>
/// <typeparam name="TProjection">The projections' module type (<see cref="Linear"/> or <see cref="Conv2d"/>).</typeparam>
public abstract class BottleneckAdapter<TProjection> : nn.Module<Tensor, Tensor>
    where TProjection : nn.Module<Tensor, Tensor>
{
    private readonly TProjection down;
    private readonly nn.Module<Tensor, Tensor> activation;
    private readonly Dropout? dropout;
    private readonly TProjection up;

    /// <summary>Registers the projections the subclass created (after checking its arguments) and the parts between them.</summary>
    private protected BottleneckAdapter(string name, (TProjection Down, TProjection Up, Tensor UpWeight, Tensor UpBias) projections, long hiddenDim,
        AdapterActivationKind activation, double dropout, bool zeroInit)
        : base(name)
    {
        (down, up) = (projections.Down, projections.Up);
        HiddenDim = hiddenDim;
        Activation = activation;
        this.activation = AdapterActivations.Create(activation);
        this.dropout = dropout > 0 ? nn.Dropout(dropout) : null;
        if (zeroInit)
        {
            using var _ = no_grad();
            nn.init.zeros_(projections.UpWeight);
            nn.init.zeros_(projections.UpBias);
        }

        register_module("down", down);
        register_module("act", this.activation);
        if (this.dropout is not null) register_module("dropout", this.dropout);
        register_module("up", up);
    }

    /// <summary>Bottleneck width (the adapter's "dim").</summary>
    public long HiddenDim { get; }

    /// <summary>The non-linearity between the projections.</summary>
    public AdapterActivationKind Activation { get; }

    /// <summary>The down projection (input width → <see cref="HiddenDim"/>).</summary>
    public TProjection Down => down;

    /// <summary>The up projection (<see cref="HiddenDim"/> → output width).</summary>
    public TProjection Up => up;

    /// <summary>Computes <c>W_up σ(W_down x)</c>.</summary>
    /// <exception cref="TunerShapeException">The input's shape does not fit the adapter (the message names the adapter and both shapes).</exception>
    public override Tensor forward(Tensor x)
    {
        var h = Hidden(x);
        var output = up.call(h);
        Temporaries.Free(h, x, output);
        return output;
    }

    /// <summary>Throws <see cref="TunerShapeException"/> when <paramref name="x"/> is not an input this adapter reads.</summary>
    private protected abstract void CheckInput(Tensor x);

    /// <summary>The bottleneck activations <c>dropout(σ(W_down x))</c>, before the up projection; a bypass stage whose two
    /// tuners are adapters multiplies both of these by their up projections in one matrix product.</summary>
    internal Tensor Hidden(Tensor x)
    {
        CheckInput(x);
        var projected = down.call(x);
        var h = activation.call(projected);
        Temporaries.Free(projected, x, h);
        if (dropout is null) return h;
        var dropped = dropout.call(h);
        Temporaries.Free(h, x, dropped);
        return dropped;
    }
}
