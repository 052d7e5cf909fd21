using System;

namespace ResTuning;

/// <summary>Where a Res-Tuning-Bypass reads the backbone and where its output goes.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BypassTapsAttribute : Attribute
{
    /// <summary>Module whose output is the bypass start <c>x_0</c>, e.g. <c>pos_drop</c>.</summary>
    public string? Start { get; set; }

    /// <summary>Modules whose outputs are <c>x_1..x_L</c>, in forward order, e.g. <c>blocks.*</c>.</summary>
    public string? Taps { get; set; }

    /// <summary>Module whose input is replaced by the bypass output (e.g. <c>norm</c>); null to feed a head.</summary>
    public string? Output { get; set; }
}

/// <summary>Base of <see cref="LateralAttribute"/> and <see cref="VerticalAttribute"/>.</summary>
public abstract class BypassTunerAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    protected BypassTunerAttribute(TunerKind kind) => Kind = kind;

    /// <summary>The tuner.</summary>
    public TunerKind Kind { get; }

    /// <summary>Adapter bottleneck width (64 by default).</summary>
    public int Dim { get; set; } = 64;

    /// <summary>Prefix/prompt length (10 by default).</summary>
    public int Length { get; set; } = 10;

    /// <summary>LoRA rank (8 by default).</summary>
    public int Rank { get; set; } = 8;

    /// <summary>Dropout, in [0, 1).</summary>
    public double Dropout { get; set; }
}

/// <summary>The lateral tuner of each bypass step, reading the backbone feature <c>x_l</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LateralAttribute : BypassTunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    public LateralAttribute(TunerKind kind) : base(kind)
    {
    }
}

/// <summary>The vertical tuner of each bypass step, reading the previous bypass state <c>b_(l-1)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class VerticalAttribute : BypassTunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The tuner.</param>
    public VerticalAttribute(TunerKind kind) : base(kind)
    {
    }
}
