using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// LoRA as an unbound tuner: <c>R(x) = dropout(x)·Aᵀ·Bᵀ·(α/r)</c>, parallel to a frozen linear <c>x·Wᵀ</c>.
/// Mergeable: <c>W + (α/r)·B·A</c> computes the same function (see <see cref="Parallel.ResParallel.Merge"/>).
/// </summary>
/// <remarks>Parameters follow PEFT: <c>lora_A</c> <c>[r, in]</c> (Kaiming-uniform), <c>lora_B</c> <c>[out, r]</c> (zero when <c>zeroInit</c>).</remarks>
public sealed class LoRA : nn.Module<Tensor, Tensor>
{
    private readonly Dropout? dropout;
    [ComponentName(Name = "lora_A")]
    private Parameter loraA;
    [ComponentName(Name = "lora_B")]
    private Parameter loraB;

    /// <summary>Creates a LoRA tuner.</summary>
    /// <param name="inFeatures">Input width of the frozen linear.</param>
    /// <param name="outFeatures">Output width of the frozen linear.</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive); the update is scaled by α/r.</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B (PEFT's default) so the tuner starts at zero.</param>
    /// <param name="name">Module name.</param>
    public LoRA(long inFeatures, long outFeatures, long rank, double alpha, double dropout = 0.0, bool zeroInit = true, string name = "lora")
        : base(name)
    {
        RangeGuard.Check(ValidRange.Positive, inFeatures, nameof(inFeatures), "LoRA input width");
        RangeGuard.Check(ValidRange.Positive, outFeatures, nameof(outFeatures), "LoRA output width");
        RangeGuard.LowRank("LoRA", rank, alpha, dropout);

        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = rank;
        Alpha = alpha;
        (loraA, loraB, this.dropout) = RegisterWeights(this, new[] { rank, inFeatures }, new[] { outFeatures, rank }, dropout, zeroInit);
    }

    /// <summary>
    /// Creates and registers a LoRA's <c>lora_A</c> (Kaiming-uniform) and <c>lora_B</c> (zero when <paramref name="zeroInit"/>,
    /// PEFT's default) and its input dropout: the one initialisation of every LoRA kind (linear and convolutional).
    /// </summary>
    internal static (Parameter A, Parameter B, Dropout? Dropout) RegisterWeights(nn.Module owner, long[] aShape, long[] bShape, double dropout, bool zeroInit)
    {
        var a = nn.Parameter(empty(aShape));
        var b = nn.Parameter(zeros(bShape));
        using (no_grad())
        {
            nn.init.kaiming_uniform_(a, a: Math.Sqrt(5));
            if (!zeroInit) nn.init.kaiming_uniform_(b, a: Math.Sqrt(5));
        }
        owner.register_parameter("lora_A", a);
        owner.register_parameter("lora_B", b);
        var drop = dropout > 0 ? nn.Dropout(dropout) : null;
        if (drop is not null) owner.register_module("dropout", drop);
        return (a, b, drop);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>Rank r.</summary>
    public long Rank { get; }

    /// <summary>Scaling α.</summary>
    public double Alpha { get; }

    /// <summary>The update's scale α/r.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>A, <c>[r, in]</c>.</summary>
    public Parameter A => loraA;

    /// <summary>B, <c>[out, r]</c>.</summary>
    public Parameter B => loraB;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ShapeChecks.LastDim(GetName(), x, InFeatures);
        var h = dropout is null ? x : dropout.call(x);
        return nn.functional.linear(nn.functional.linear(h, loraA), loraB) * Scaling;
    }

    /// <summary>The weight update <c>(α/r)·B·A</c>, <c>[out, in]</c>, that merging adds to the frozen weight.</summary>
    public Tensor DeltaWeight() => loraB.matmul(loraA) * Scaling;

    /// <summary>Reads A and B back from TorchSharp's registry once <c>to(...)</c> has replaced them.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        loraA = ParameterFields.Get(this, "lora_A");
        loraB = ParameterFields.Get(this, "lora_B");
    }
}
