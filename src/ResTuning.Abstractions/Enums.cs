#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>
/// How a tuner's output is scaled before it is added to the operator's output: on the attributes, and in the runtime
/// (<c>ResTuning.Parallel.TunerScale.Kind</c>).
/// </summary>
public enum TunerScaleKind
{
    /// <summary>A constant s (see the tuner attribute's <c>ScaleValue</c>, 1 by default).</summary>
    Fixed = 0,

    /// <summary>One learned scalar initialised at <c>ScaleValue</c>.</summary>
    LearnedScalar = 1,

    /// <summary>One learned value per output channel, initialised at <c>ScaleValue</c>.</summary>
    LearnedPerChannel = 2,

    /// <summary>
    /// The exact λ-weighting of Res-Prefix/Res-Prompt (attention taps only): λ is the softmax mass on the tuner's keys and the
    /// frozen branch is weighted (1 − λ), which equals the bound prefix/prompt tuning.
    /// </summary>
    Lambda = 3,
}

/// <summary>The non-linearity of a Res-Adapter (or channel adapter) between its down and up projections: on the attributes, and in the runtime's constructors.</summary>
public enum AdapterActivationKind
{
    /// <summary>GELU (the default).</summary>
    Gelu = 0,

    /// <summary>ReLU.</summary>
    Relu = 1,

    /// <summary>SiLU.</summary>
    Silu = 2,

    /// <summary>No non-linearity.</summary>
    Identity = 3,
}

/// <summary>
/// The tuner of a bypass step (<see cref="LateralAttribute"/>, <see cref="VerticalAttribute"/>): only the kinds a bypass can
/// use. Res-Prefix and Res-Prompt query a frozen attention's projections, and a bypass tuner reads detached features with
/// no attention of its own, so they are not members.
/// </summary>
public enum BypassTunerKind
{
    /// <summary>Res-Adapter (the default): <c>Dim</c> wide, with <c>Dropout</c>.</summary>
    Adapter = 0,

    /// <summary>LoRA: <c>Rank</c> and <c>Alpha</c>, with <c>Dropout</c>.</summary>
    LoRA = 1,

    /// <summary>The identity (no parameters).</summary>
    Identity = 2,
}
