namespace ResTuning.Bypass;

/// <summary>
/// One step of the bypass: <c>b_l = mix(lateral(x_l), vertical(resize(b_{l-1})))</c>, where <c>resize</c> is an optional
/// <see cref="BypassResize"/> (<see cref="UpsampleStage"/>, <see cref="DownsampleStage"/>) for taps whose shape differs from
/// the previous state. Any
/// <c>Module&lt;Tensor, Tensor&gt;</c> (a <see cref="Tuners.ResAdapter"/>, a LoRA, a Residual) serves as lateral or vertical.
/// Submodules: <c>lateral</c>, <c>vertical</c>, <c>mix</c>, and <c>upsample</c> or <c>downsample</c> (the resize step's name, when given).
/// </summary>
public sealed class BypassStage : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> lateral;
    private readonly nn.Module<Tensor, Tensor> vertical;
    private readonly BypassMix mix;
    private readonly BypassResize? resize;
    private readonly FusedAdapterPair? fused;

    /// <summary>Creates a stage.</summary>
    /// <param name="lateral">Reads the tap x_l.</param>
    /// <param name="vertical">Reads the previous bypass state b_{l-1} (after <paramref name="resize"/>).</param>
    /// <param name="mix">How the two outputs combine; <see cref="BypassMix.Sum"/> when omitted.</param>
    /// <param name="resize">Resizes b_{l-1} to x_l's spatial size and channel count for [B, C, H, W] taps.</param>
    /// <param name="name">Module name used in messages.</param>
    public BypassStage(nn.Module<Tensor, Tensor> lateral, nn.Module<Tensor, Tensor> vertical, BypassMix? mix = null, BypassResize? resize = null, string name = "stage")
        : base(name)
    {
        this.lateral = lateral ?? throw new ArgumentNullException(nameof(lateral));
        this.vertical = vertical ?? throw new ArgumentNullException(nameof(vertical));
        this.mix = mix ?? BypassMix.Sum();
        this.resize = resize;
        fused = FusedAdapterPair.TryCreate(lateral, vertical);
        register_module("lateral", lateral);
        register_module("vertical", vertical);
        register_module("mix", this.mix);
        if (resize is not null) register_module(resize.GetName(), resize);
    }

    /// <summary>The module reading the tap.</summary>
    public nn.Module<Tensor, Tensor> Lateral => lateral;

    /// <summary>The module reading the previous bypass state.</summary>
    public nn.Module<Tensor, Tensor> Vertical => vertical;

    /// <summary>The combination rule.</summary>
    public BypassMix Mix => mix;

    /// <summary>The resize step, if any.</summary>
    public BypassResize? Resize => resize;

    /// <summary>Computes b_l from the tap x_l and the previous state b_{l-1}.</summary>
    public override Tensor forward(Tensor tap, Tensor previous) => Step(tap, previous, GetName());

    /// <summary>As <see cref="forward"/>, naming <paramref name="tapName"/> in shape errors.</summary>
    internal Tensor Step(Tensor tap, Tensor previous, string tapName)
    {
        using var scope = NewDisposeScope();
        if (resize is not null)
        {
            if (tap.dim() != 4)
                throw new TunerShapeException(tapName, "tap", new long[] { -1, resize.OutChannels, -1, -1 }, tap.shape,
                    $"A {resize.GetType().Name} needs a [batch, channels, height, width] tap.");
            previous = resize.Forward(previous, tap.shape[2], tap.shape[3]);
        }
        if (fused is not null && FusedAdapterPair.Applies(tap, previous))
        {
            return fused.Run(tap, previous, mix, tapName).MoveToOuterDisposeScope();
        }
        var l = Call(lateral, tap, tapName, "lateral");
        var v = Call(vertical, previous, tapName, "vertical");
        if (!l.shape.SequenceEqual(v.shape))
            throw new TunerShapeException(tapName, "vertical output", l.shape, v.shape,
                resize is null
                    ? "The lateral output (shape expected) and the vertical output must agree; where taps change shape give the stage an UpsampleStage or a DownsampleStage."
                    : "The lateral output (shape expected) and the vertical output must agree; build the resize step for the tap's channel count.");
        return mix.call(l, v).MoveToOuterDisposeScope();
    }

    private static Tensor Call(nn.Module<Tensor, Tensor> tuner, Tensor input, string tapName, string role)
    {
        try
        {
            return tuner.call(input);
        }
        catch (TunerShapeException e)
        {
            throw Located(e, tapName, role);
        }
    }

    // Re-raise a tuner's shape error with the tap it was reading, so the message says where in the bypass it happened.
    internal static TunerShapeException Located(TunerShapeException e, string tapName, string role) =>
        new($"{tapName} ({role}: {e.Where})", "input", e.Expected, e.Actual, $"Build the {role} tuner of this stage for the shape it reads.");
}
