#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>Where a Res-Tuning-Bypass reads the backbone and where its output goes.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BypassTapsAttribute : Attribute
{
    /// <summary>Module whose output is the bypass start <c>x_0</c>, e.g. <c>pos_drop</c>.</summary>
    public string? Start { get; set; }

    /// <summary>
    /// Modules whose outputs are <c>x_1..x_L</c>, in forward order: one path (<c>blocks.*</c>) or several separated by
    /// commas (<c>mid_block, up_blocks.*</c>).
    /// </summary>
    public string? Taps { get; set; }

    /// <summary>
    /// Module whose input is replaced by the bypass output <c>b_L</c> (e.g. <c>norm</c>), in the same backbone pass;
    /// null to feed <c>b_L</c> to the head.
    /// </summary>
    public string? Output { get; set; }

    /// <summary>
    /// Taps are <c>[B, C, H, W]</c> feature maps (U-Net decoders): put an upsample step (nearest interpolation to the next
    /// tap's size and a zero-initialised 3×3 convolution to its channel count) between stages, and apply the lateral and
    /// vertical tuners pixel by pixel over the channels (their 1×1-convolution form).
    /// </summary>
    public bool Upsample { get; set; }

    /// <summary>
    /// Taps are <c>[B, C, H, W]</c> feature maps of an encoder whose stages halve the resolution and widen the channels (a
    /// ResNet's <c>layer1</c>..<c>layer4</c>): put a downsample step (average pooling to the next tap's size, and a
    /// zero-initialised 1×1 convolution where the channel count changes) between stages, apply the lateral and vertical
    /// tuners pixel by pixel over the channels, and give a generated head global average pooling. The mirror of
    /// <see cref="Upsample"/>; at most one of the two.
    /// </summary>
    public bool Downsample { get; set; }
}

/// <summary>Base of <see cref="LateralAttribute"/> and <see cref="VerticalAttribute"/>.</summary>
public abstract class BypassTunerAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    protected BypassTunerAttribute(BypassTunerKind kind) => Kind = kind;

    /// <summary>The tuner.</summary>
    public BypassTunerKind Kind { get; }

    /// <summary>Adapter bottleneck width (64 by default).</summary>
    public int Dim { get; set; } = TunerDefaults.AdapterDim;

    /// <summary>LoRA rank (8 by default).</summary>
    public int Rank { get; set; } = TunerDefaults.LoRARank;

    /// <summary>LoRA α; the update is scaled by α/r (16 by default).</summary>
    public double Alpha { get; set; } = TunerDefaults.LoRAAlpha;

    /// <summary>Dropout, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>
    /// Add the tuner's input to its output (<c>x + R(x)</c>). Lateral tuners default to residual when the bypass
    /// re-enters the backbone (so it starts as the backbone itself) and to plain otherwise.
    /// </summary>
    public bool Residual { get; set; }
}

/// <summary>The lateral tuner of each bypass step, reading the backbone feature <c>x_l</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LateralAttribute : BypassTunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    public LateralAttribute(BypassTunerKind kind) : base(kind)
    {
    }
}

/// <summary>The vertical tuner of each bypass step, reading the previous bypass state <c>b_(l-1)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class VerticalAttribute : BypassTunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    public VerticalAttribute(BypassTunerKind kind) : base(kind)
    {
    }
}
