using ResTuning.Operators;
using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// Res-Prefix: learned keys <c>K_pre</c> and values <c>V_pre</c> of length L, queried through the frozen
/// attention's W_q: <c>R(x) = Attn(x·W_q, K_pre, V_pre)·W_o</c>.
/// </summary>
/// <remarks>
/// With a λ scale (<see cref="Parallel.TunerScale.Lambda"/>) the parallel sum equals prefix tuning
/// exactly. With <c>zeroInit</c> (default) the values start at zero, so under a constant or learned
/// scale the tuned model equals the backbone at step 0. Parameters: <c>prefix_key</c>, <c>prefix_value</c> (<c>[L, D]</c>).
/// </remarks>
public sealed class ResPrefix : AttentionTunerBase
{
    [ComponentName(Name = "prefix_key")]
    private Parameter prefixKey;
    [ComponentName(Name = "prefix_value")]
    private Parameter prefixValue;

    /// <summary>Creates a Res-Prefix over <paramref name="attention"/>.</summary>
    /// <param name="attention">The frozen attention (its W_q and W_o are used, not trained).</param>
    /// <param name="length">Prefix length L.</param>
    /// <param name="zeroInit">Zero-initialise the values.</param>
    /// <param name="initStd">Standard deviation of the random initialisation.</param>
    /// <param name="name">Module name.</param>
    public ResPrefix(IAttentionOperator attention, long length, bool zeroInit = true, double initStd = TunerDefaults.PrefixInitStd, string name = "res_prefix")
        : base(name, attention, length)
    {
        var d = attention.EmbedDim;
        prefixKey = nn.Parameter(randn(length, d) * initStd);
        prefixValue = nn.Parameter(zeroInit ? zeros(length, d) : randn(length, d) * initStd);
        register_parameter("prefix_key", prefixKey);
        register_parameter("prefix_value", prefixValue);
    }

    /// <summary>Learned prefix keys <c>[L, D]</c>.</summary>
    public Parameter PrefixKey => prefixKey;

    /// <summary>Learned prefix values <c>[L, D]</c>.</summary>
    public Parameter PrefixValue => prefixValue;

    /// <inheritdoc />
    public override (Tensor Key, Tensor Value) KeysValues(long batch) =>
        (ToHeads(prefixKey, batch), ToHeads(prefixValue, batch));

    /// <summary>Reads the keys and values back from TorchSharp's registry once <c>to(...)</c> has replaced them.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        prefixKey = ParameterFields.Get(this, "prefix_key");
        prefixValue = ParameterFields.Get(this, "prefix_value");
    }
}
