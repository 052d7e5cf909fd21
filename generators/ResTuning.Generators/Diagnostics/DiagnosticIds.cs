namespace ResTuning.Generators.Diagnostics;

/// <summary>The ids of every ResTuning diagnostic (see <see cref="DiagnosticDescriptors"/>).</summary>
internal static class DiagnosticIds
{
    public const string NotPartial = "RT0001";
    public const string NotSupportedType = "RT0002";
    public const string BackboneNotModule = "RT0003";
    public const string MalformedTap = "RT0004";
    public const string UnresolvedTap = "RT0005";
    public const string IndexOutOfRange = "RT0006";
    public const string IncompatibleModule = "RT0007";
    public const string ParameterOutOfRange = "RT0008";
    public const string UnknownWidth = "RT0009";
    public const string ConflictingModes = "RT0010";
    public const string EmptySelection = "RT0011";
    public const string SegmentKindMismatch = "RT0012";
    public const string BypassWithoutTaps = "RT0013";
    public const string InternalError = "RT0015";
    public const string InvalidTask = "RT0016";
    public const string DuplicateTuner = "RT0017";
    public const string TrainableTap = "RT0018";
    public const string RedundantTrainable = "RT0019";
    public const string NothingToTrain = "RT0020";
    public const string ZeroFixedScale = "RT0021";
    public const string CustomTunerContract = "RT0022";
    public const string GeneratedNameClash = "RT0023";
    public const string LessAccessibleType = "RT0024";
    public const string InaccessibleModuleType = "RT0025";
    public const string TunerNameClash = "RT0026";
    public const string MissingBackbone = "RT0027";
    public const string UnattachedAttribute = "RT0028";
    public const string DuplicateTask = "RT0029";

    // RT0030-RT0039: Res-Tuning-Bypass configurations.
    public const string OverlappingTaps = "RT0030";
    public const string TapsOutOfOrder = "RT0031";
    public const string OutputBeforeLastTap = "RT0032";
    // RT0033 (a bypass tuner of kind Res-Prefix/Res-Prompt) is retired: BypassTunerKind cannot name those kinds. Not reused.
    public const string BypassWidthUnknown = "RT0034";
    public const string WidthsMismatch = "RT0035";
    public const string TaskMismatch = "RT0036";
    public const string IgnoredInBypass = "RT0037";
    public const string SingleModuleExpected = "RT0038";
    public const string HeadWithReentry = "RT0039";

    // RT0040-: information.
    public const string RuntimeCheckedTap = "RT0040";

    // RT0041-: parallel tuner kinds (numbered on from the last id, whatever its group).
    public const string ChannelsUnknown = "RT0041";

    // RT0042: information (numbered on from the last id).
    public const string ModuleKindAtRunTime = "RT0042";
}
