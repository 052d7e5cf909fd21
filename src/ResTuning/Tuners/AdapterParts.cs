namespace ResTuning.Tuners;

/// <summary>
/// What the adapter over tokens (<see cref="ResAdapter"/>, linear projections) and the adapter over feature maps
/// (<see cref="ChannelAdapter"/>, 1×1 convolutions) share: the submodules' names and initialisation, and the bottleneck.
/// </summary>
internal static class AdapterParts
{
    /// <summary>
    /// Creates the activation and the dropout (none at 0), zeroes the up projection when <paramref name="zeroInit"/> and
    /// registers <c>down</c>, <c>act</c>, <c>dropout</c> (if any) and <c>up</c> on <paramref name="owner"/>, in that order.
    /// </summary>
    public static (nn.Module<Tensor, Tensor> Activation, Dropout? Dropout) Register(nn.Module owner, nn.Module down, nn.Module up,
        Tensor upWeight, Tensor upBias, AdapterActivationKind activation, double dropout, bool zeroInit)
    {
        var act = AdapterActivations.Create(activation);
        var drop = dropout > 0 ? nn.Dropout(dropout) : null;
        if (zeroInit)
        {
            using var _ = no_grad();
            nn.init.zeros_(upWeight);
            nn.init.zeros_(upBias);
        }

        owner.register_module("down", down);
        owner.register_module("act", act);
        if (drop is not null) owner.register_module("dropout", drop);
        owner.register_module("up", up);
        return (act, drop);
    }

    /// <summary>The bottleneck activations <c>dropout(σ(down(x)))</c>, freeing the intermediates that are not <paramref name="x"/>.</summary>
    public static Tensor Bottleneck(nn.Module<Tensor, Tensor> down, nn.Module<Tensor, Tensor> activation, Dropout? dropout, Tensor x)
    {
        var projected = down.call(x);
        var h = activation.call(projected);
        Temporaries.Free(projected, x, h);
        if (dropout is null) return h;
        var dropped = dropout.call(h);
        Temporaries.Free(h, x, dropped);
        return dropped;
    }
}
