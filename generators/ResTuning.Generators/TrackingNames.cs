namespace ResTuning.Generators;

/// <summary>Names of the tracked incremental steps (asserted by the cacheability tests).</summary>
public static class TrackingNames
{
    /// <summary>Parallel models, parsed and validated.</summary>
    public const string ParallelModels = nameof(ParallelModels);

    /// <summary>Bypass models, parsed and validated.</summary>
    public const string BypassModels = nameof(BypassModels);

    /// <summary>Multi-task bypass groups, checked.</summary>
    public const string MultiTaskModels = nameof(MultiTaskModels);

    /// <summary>Valid parallel specs that produce source.</summary>
    public const string ParallelSpecs = nameof(ParallelSpecs);

    /// <summary>Valid bypass specs that produce source.</summary>
    public const string BypassSpecs = nameof(BypassSpecs);

    /// <summary>Valid multi-task specs that produce source.</summary>
    public const string MultiTaskSpecs = nameof(MultiTaskSpecs);

    /// <summary>Model attributes written without their backbone type argument (RT0027).</summary>
    public const string MissingBackboneArguments = nameof(MissingBackboneArguments);

    /// <summary>Shells of models whose RT errors stop their generation.</summary>
    public const string Shells = nameof(Shells);
}
