using ResTuning.Tuners;

namespace ResTuning.Bypass;

/// <summary>
/// A stage whose lateral and vertical tuners are both <see cref="ResAdapter"/>s: since the mix is linear,
/// <c>α·up_l(h_l) + β·up_v(h_v) = [α·W_l, β·W_v]·[h_l; h_v] + (α·b_l + β·b_v)</c>, so the two up projections and the mix
/// run as one matrix product over the concatenated bottlenecks. Same result as the unfused stage up to float rounding,
/// about a tenth less time per bypass step on CPU (one output written instead of three, a deeper product).
/// </summary>
/// <remarks>The up projections are read, not called: forward hooks on them (or on the adapters) do not run here.</remarks>
internal sealed class FusedAdapterPair
{
    private readonly ResAdapter lateral;
    private readonly ResAdapter vertical;

    private FusedAdapterPair(ResAdapter lateral, ResAdapter vertical)
    {
        this.lateral = lateral;
        this.vertical = vertical;
    }

    /// <summary>The pair when both tuners are adapters with one output width; otherwise null (the stage runs unfused).</summary>
    public static FusedAdapterPair? TryCreate(nn.Module<Tensor, Tensor> lateral, nn.Module<Tensor, Tensor> vertical) =>
        lateral is ResAdapter l && vertical is ResAdapter v && l.OutFeatures == v.OutFeatures ? new FusedAdapterPair(l, v) : null;

    /// <summary>Whether the pair applies to these inputs: both carry the same leading (batch, token) shape.</summary>
    public static bool Applies(Tensor tap, Tensor previous)
    {
        if (tap.dim() != previous.dim() || tap.dim() < 2) return false;
        return tap.shape.Take((int)tap.dim() - 1).SequenceEqual(previous.shape.Take((int)previous.dim() - 1));
    }

    /// <summary><c>mix(lateral(tap), vertical(previous))</c> in one product; a width error names the tap and the tuner.</summary>
    public Tensor Run(Tensor tap, Tensor previous, BypassMix mix, string tapName)
    {
        using var scope = NewDisposeScope();
        var hidden = cat(new[] { Hidden(lateral, tap, tapName, "lateral"), Hidden(vertical, previous, tapName, "vertical") }, -1);
        var weight = cat(new[] { mix.ScaleLateral(lateral.Up.weight!), mix.ScaleVertical(vertical.Up.weight!) }, 1);
        var bias = Bias(lateral.Up.bias, vertical.Up.bias, mix);
        return nn.functional.linear(hidden, weight, bias).MoveToOuterDisposeScope();
    }

    private static Tensor Hidden(ResAdapter adapter, Tensor input, string tapName, string role)
    {
        try
        {
            return adapter.Hidden(input);
        }
        catch (TunerShapeException e)
        {
            throw BypassStage.Located(e, tapName, role);
        }
    }

    private static Tensor? Bias(Tensor? lateral, Tensor? vertical, BypassMix mix) => (lateral, vertical) switch
    {
        (null, null) => null,
        (not null, null) => mix.ScaleLateral(lateral),
        (null, not null) => mix.ScaleVertical(vertical),
        _ => mix.ScaleLateral(lateral!) + mix.ScaleVertical(vertical!),
    };
}
