using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// What every LoRA kind shares (<see cref="LoRA"/>, <see cref="ConvLoRA"/>, <see cref="DoRA"/>; PEFT's <c>LoraLayer</c>):
/// the factors <c>lora_A</c> and <c>lora_B</c>, their initialisation, the rank, the scaling α/r and the input dropout.
/// </summary>
/// <remarks>
/// <c>lora_A</c> is Kaiming-uniform and <c>lora_B</c> zero when <c>zeroInit</c> (PEFT's default), so the update starts at
/// zero; the dropout (registered as <c>dropout</c> only when its probability is above 0) applies to the tuner's input.
/// </remarks>
public abstract class LowRankTuner : nn.Module<Tensor, Tensor>
{
    private readonly Dropout? dropout;
    [ComponentName(Name = "lora_A")]
    private Parameter loraA;
    [ComponentName(Name = "lora_B")]
    private Parameter loraB;

    /// <summary>Checks the rank, α and dropout (in <paramref name="kind"/>'s words), then creates and registers the factors.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="kind">The tuner kind as messages name it ("LoRA", "DoRA").</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive).</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B.</param>
    /// <param name="shapes">The shapes of A and B, from the subclass's widths (checked by it before this runs).</param>
    private protected LowRankTuner(string name, string kind, long rank, double alpha, double dropout, bool zeroInit, (long[] A, long[] B) shapes)
        : base(name)
    {
        RangeGuard.LowRank(kind, rank, alpha, dropout);
        Rank = rank;
        Alpha = alpha;
        loraA = nn.Parameter(empty(shapes.A));
        loraB = nn.Parameter(zeros(shapes.B));
        using (no_grad())
        {
            nn.init.kaiming_uniform_(loraA, a: Math.Sqrt(5));
            if (!zeroInit) nn.init.kaiming_uniform_(loraB, a: Math.Sqrt(5));
        }
        register_parameter("lora_A", loraA);
        register_parameter("lora_B", loraB);
        this.dropout = dropout > 0 ? nn.Dropout(dropout) : null;
        if (this.dropout is not null) register_module("dropout", this.dropout);
    }

    /// <summary>Rank r.</summary>
    public long Rank { get; }

    /// <summary>Scaling α.</summary>
    public double Alpha { get; }

    /// <summary>The update's scale α/r.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>A (<c>lora_A</c>), the down factor.</summary>
    public Parameter A => loraA;

    /// <summary>B (<c>lora_B</c>), the up factor.</summary>
    public Parameter B => loraB;

    /// <summary>The tuner's input after its dropout (<paramref name="x"/> itself without dropout).</summary>
    private protected Tensor Dropped(Tensor x) => dropout is null ? x : dropout.call(x);

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
