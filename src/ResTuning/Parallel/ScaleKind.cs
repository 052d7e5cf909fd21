namespace ResTuning.Parallel;

/// <summary>How a tuner's output is scaled before it is added to the operator's output.</summary>
public enum ScaleKind
{
    /// <summary>A constant s.</summary>
    Fixed,

    /// <summary>One learned scalar.</summary>
    LearnedScalar,

    /// <summary>One learned value per output channel (the last dimension).</summary>
    LearnedPerChannel,

    /// <summary>
    /// The exact λ-weighting of Res-Prefix/Res-Prompt: λ is the softmax mass on the tuner's keys and
    /// the frozen branch is weighted (1 - λ). Equals the bound prefix/prompt tuning.
    /// </summary>
    Lambda,
}
