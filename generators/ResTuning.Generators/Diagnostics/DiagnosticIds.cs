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
    public const string BypassNotGenerated = "RT0014";
    public const string InternalError = "RT0015";
    public const string InvalidTask = "RT0016";
    public const string DuplicateTuner = "RT0017";
    public const string TrainableTap = "RT0018";
    public const string RedundantTrainable = "RT0019";
    public const string NothingToTrain = "RT0020";
    public const string ZeroFixedScale = "RT0021";
}
