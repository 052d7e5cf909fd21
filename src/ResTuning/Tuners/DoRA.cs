using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// DoRA, weight-decomposed LoRA (Liu et al. 2024; PEFT's <c>use_dora=True</c>), beside a frozen <see cref="Linear"/>
/// with weight <c>W</c> <c>[out, in]</c>: the tuned weight is <c>W' = m ⊙ V / ‖V‖_c</c> with <c>V = W + s·B·A</c>,
/// <c>s = α/r</c>, and <c>‖·‖_c</c> the L2 norm of each output row. As a parallel branch it computes the residual
/// <c>R(x) = (m/‖V‖_c − 1)·(x·Wᵀ) + (m/‖V‖_c)·s·(x·Aᵀ·Bᵀ)</c>, so the frozen layer plus the branch is
/// <c>x·W'ᵀ + bias</c> (the bias is untouched). Mergeable exactly: <see cref="Parallel.ResParallel.Merge"/> sets the
/// weight to <c>W'</c> and <see cref="Parallel.ResParallel.Unmerge"/> restores <c>W</c> bit for bit.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>lora_A</c> <c>[r, in]</c> (Kaiming-uniform, as <see cref="LoRA"/>), <c>lora_B</c> <c>[out, r]</c>
/// (zero) and <c>lora_magnitude_vector</c> <c>[out]</c> (PEFT's name for m), initialised to <c>‖W‖_c</c>, so at
/// initialisation <c>W' = W</c> and the tuned layer is the frozen one.</para>
/// <para>As in PEFT (and section 4.3 of the paper), the norm <c>‖V‖_c</c> is detached from the autograd graph: it follows
/// the current A and B in value but passes no gradient; m, A and B get their gradients through the two terms above.</para>
/// <para>The tuner reads the frozen Linear's weight at every forward (it holds the Linear, but does not register it: its
/// parameters belong to the backbone), so it must run beside that very Linear; <see cref="Parallel.ResParallel.Add"/>
/// refuses it beside any other operator. Dropout, when set, applies to the input of both terms, as PEFT's does.</para>
/// </remarks>
public sealed class DoRA : LowRankTuner
{
    // Not a child (see RegisterComponents): the frozen Linear belongs to the backbone.
    private readonly Linear linear;
    [ComponentName(Name = MagnitudeName)]
    private Parameter magnitude;

    /// <summary>The registered name of the magnitude vector m (PEFT's).</summary>
    public const string MagnitudeName = "lora_magnitude_vector";

    /// <summary>Creates a DoRA tuner beside <paramref name="linear"/>.</summary>
    /// <param name="linear">The frozen Linear; its weight is read at every forward, and initialises m.</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive); the low-rank update is scaled by α/r.</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="name">Module name.</param>
    public DoRA(Linear linear, long rank, double alpha, double dropout = 0.0, string name = "dora")
        : base(name, "DoRA", rank, alpha, dropout, zeroInit: true, Shapes(linear, rank))
    {
        this.linear = linear;
        InFeatures = linear.in_features;
        OutFeatures = linear.out_features;
        using (no_grad())
            magnitude = nn.Parameter(RowNorms(linear.weight!.detach()).to(A.dtype));
        register_parameter(MagnitudeName, magnitude);
    }

    // A [r, in], B [out, r], from the Linear's widths.
    private static (long[], long[]) Shapes(Linear linear, long rank)
    {
        ArgumentNullException.ThrowIfNull(linear);
        return (new[] { rank, linear.in_features }, new[] { linear.out_features, rank });
    }

    /// <summary>
    /// Creates the DoRA for <paramref name="module"/>, which must be a <see cref="Linear"/>: generated models call it for a
    /// <c>[DoRA]</c> tap.
    /// </summary>
    /// <param name="module">The tapped module.</param>
    /// <param name="tap">The tap path as written (for the message).</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive).</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="name">Module name.</param>
    /// <returns>The tuner.</returns>
    /// <exception cref="InvalidOperationException">The module is not a Linear; the message names the tap and its type.</exception>
    public static DoRA For(nn.Module module, string tap, long rank, double alpha, double dropout = 0.0, string name = "dora")
    {
        ArgumentNullException.ThrowIfNull(module);
        return module is Linear linear
            ? new DoRA(linear, rank, alpha, dropout, name)
            : throw new InvalidOperationException(
                $"Tap '{tap}': DoRA cannot be attached to {module.GetType().Name} ('{module.GetName()}'); it needs a Linear. Point the tap at one of its linear layers.");
    }

    /// <summary>The frozen Linear the tuner decomposes.</summary>
    public Linear Linear => linear;

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The magnitude vector m, <c>[out]</c> (registered as <c>lora_magnitude_vector</c>).</summary>
    public Parameter Magnitude => magnitude;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ShapeChecks.LastDim(GetName(), x, InFeatures);
        var w = linear.weight!;
        if (w.dim() != 2 || w.shape[0] != OutFeatures || w.shape[1] != InFeatures)
            throw new TunerShapeException(GetName(), "frozen weight", new[] { OutFeatures, InFeatures }, w.shape,
                "The DoRA was built on a Linear of another size; build it on the Linear it runs beside.");
        using var scope = NewDisposeScope();
        var h = Dropped(x);
        var factor = MagnitudeFactor(w);
        var frozen = nn.functional.linear(h, w);
        var low = nn.functional.linear(nn.functional.linear(h, A), B);
        return ((factor - 1) * frozen + factor * low * Scaling).MoveToOuterDisposeScope();
    }

    /// <summary><c>m / ‖W + s·B·A‖_c</c>, <c>[out]</c>, with the norm detached (PEFT's <c>weight_norm.detach()</c>).</summary>
    private Tensor MagnitudeFactor(Tensor w)
    {
        using var scope = NewDisposeScope();
        Tensor norm;
        using (no_grad())
            norm = RowNorms(w.detach() + B.detach().matmul(A.detach()) * Scaling);
        return (magnitude / norm).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The update that merging adds to <paramref name="weight"/> (the frozen weight before merging):
    /// <c>W' − W = m ⊙ V/‖V‖_c − W</c>, <c>[out, in]</c>, computed without gradients.
    /// </summary>
    /// <param name="weight">The unmerged frozen weight W.</param>
    /// <returns>The update.</returns>
    public Tensor DeltaWeight(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var w = weight.detach();
        var v = w + B.detach().matmul(A.detach()).to(w.dtype, w.device) * Scaling;
        var m = magnitude.detach().to(w.dtype, w.device);
        return ((m / RowNorms(v)).unsqueeze(1) * v - w).MoveToOuterDisposeScope();
    }

    /// <summary>The L2 norm of each row of <paramref name="v"/> (PEFT: <c>norm(p=2, dim=1)</c>).</summary>
    private static Tensor RowNorms(Tensor v) => v.square().sum(1).sqrt();

    /// <summary>Reads A, B and m back from TorchSharp's registry once <c>to(...)</c> has replaced them.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        magnitude = ParameterFields.Get(this, MagnitudeName);
    }

    /// <summary>
    /// Registers nothing by reflection: the parameters are registered in the constructor. TorchSharp's default registers
    /// every Module-valued field (when a parent registers this tuner), which would list the frozen Linear's weight a
    /// second time.
    /// </summary>
    protected override void RegisterComponents()
    {
    }
}
