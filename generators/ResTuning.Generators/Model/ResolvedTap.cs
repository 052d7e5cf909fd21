namespace ResTuning.Generators.Model;

/// <summary>How generated code takes one step from a module to the next one on a tap path.</summary>
internal enum StepKind
{
    /// <summary>An accessible field: <c>m.name</c>.</summary>
    Field,

    /// <summary>A registered child reached through the module registry (the field is not accessible).</summary>
    RegistryChild,

    /// <summary><c>ModuleList</c> element <c>Start</c>.</summary>
    ListIndex,

    /// <summary>Every <c>ModuleList</c> element (a loop).</summary>
    ListEach,

    /// <summary><c>ModuleList</c> elements <c>Start..End</c> (a loop).</summary>
    ListRange,

    /// <summary><c>Sequential</c> element <c>Start</c>.</summary>
    SequentialIndex,

    /// <summary>Every <c>Sequential</c> element (a loop).</summary>
    SequentialEach,

    /// <summary><c>Sequential</c> elements <c>Start..End</c> (a loop).</summary>
    SequentialRange,

    /// <summary>
    /// A registered child looked up by name at run time, past a compiled module type whose children the compiler cannot
    /// see (TorchSharp's own model zoo); the model checks it once, at construction.
    /// </summary>
    RuntimeChild,

    /// <summary><c>ModuleDict</c> entry <c>Name</c>.</summary>
    DictKey,
}

/// <summary>
/// One resolved step. <see cref="Name"/> is the C# member name (<see cref="StepKind.Field"/>) or the registered
/// name; <see cref="Start"/>/<see cref="End"/> the indices; <see cref="ResultType"/> the fully qualified type of
/// the module reached; <see cref="KnownCount"/> the list's element count when known at compile time, else -1.
/// </summary>
internal sealed record AccessStep(StepKind Kind, string Name, int Start, int End, string ResultType, int KnownCount)
{
    public bool IsLoop => Kind is StepKind.ListEach or StepKind.ListRange or StepKind.SequentialEach or StepKind.SequentialRange;
}

/// <summary>What kind of module a tap reaches, as far as the tuners care.</summary>
internal enum ModuleShape
{
    /// <summary>Any other module.</summary>
    Other,

    /// <summary>A TorchSharp <c>Linear</c>.</summary>
    Linear,

    /// <summary>An attention implementing <c>ResTuning.Operators.IAttentionOperator</c>.</summary>
    Attention,

    /// <summary>A TorchSharp <c>Conv2d</c> (LoRA on it is a <c>ConvLoRA</c>).</summary>
    Conv2d,

    /// <summary>A <c>ResTuning.Backbones.ResNetBlock</c> (a channel adapter reads its channels and stride).</summary>
    ResNetBlock,

    /// <summary>
    /// Known at run time only: the tap ends in <see cref="StepKind.RuntimeChild"/> steps, or its static type is
    /// <c>Module&lt;Tensor, Tensor&gt;</c> itself (a <c>Sequential</c>'s element).
    /// </summary>
    Unknown,
}

/// <summary>
/// A tap path resolved against the backbone type: the steps generated code takes, the reached module's
/// type and shape, and how many modules it matches (-1 when only known at run time).
/// </summary>
internal sealed record ResolvedTap(
    TapPath Path,
    EquatableArray<AccessStep> Steps,
    string ModuleType,
    ModuleShape Shape,
    bool IsTensorModule,
    int MatchCount,
    int RuntimeFrom = -1)
{
    /// <summary>True when part of the path is looked up at run time (from segment <see cref="RuntimeFrom"/> on).</summary>
    public bool IsCheckedAtRunTime => RuntimeFrom >= 0;
}
