using System.Collections.Immutable;

namespace ResTuning.Generators.Diagnostics;

/// <summary>
/// The ResTuning diagnostic table. Every id has a page <c>docs/diagnostics/RTxxxx.md</c> (its help link) and
/// an entry in <c>AnalyzerReleases.Unshipped.md</c>. Shared by the generator and the analyzers.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ResTuning";
    private const string HelpRoot = "https://github.com/restuning-dsl/ResTuning.Dsl/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor NotPartial = Create(DiagnosticIds.NotPartial,
        "Res-Tuning model must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so the generator can add its members",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotSupportedType = Create(DiagnosticIds.NotSupportedType,
        "Res-Tuning model must be a non-generic, non-static class",
        "'{0}' must be a non-generic, non-static class: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor BackboneNotModule = Create(DiagnosticIds.BackboneNotModule,
        "Backbone is not a TorchSharp module",
        "Backbone '{0}' is not a TorchSharp nn.Module<Tensor, Tensor>",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MalformedTap = Create(DiagnosticIds.MalformedTap,
        "Malformed tap path",
        "Tap path '{0}' is malformed: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnresolvedTap = Create(DiagnosticIds.UnresolvedTap,
        "Tap path does not resolve",
        "Tap '{0}': '{1}' is not a registered module of {2}{3}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor IndexOutOfRange = Create(DiagnosticIds.IndexOutOfRange,
        "Tap index or range out of bounds",
        "Tap '{0}': {1} is out of bounds; '{2}' has {3} elements",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor IncompatibleModule = Create(DiagnosticIds.IncompatibleModule,
        "Tuner cannot be attached to this module",
        "Tap '{0}': {1} cannot be attached to {2}: {3}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ParameterOutOfRange = Create(DiagnosticIds.ParameterOutOfRange,
        "Tuner parameter out of range",
        "{0}: {1} must be {2}, but is {3}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnknownWidth = Create(DiagnosticIds.UnknownWidth,
        "Tuner width cannot be inferred",
        "Tap '{0}': the input width of {1} cannot be read from a {2}; set In (and Out) on the attribute or Features on the model attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ConflictingModes = Create(DiagnosticIds.ConflictingModes,
        "Conflicting Res-Tuning modes",
        "'{0}' declares more than one Res-Tuning mode ({1}); keep one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor EmptySelection = Create(DiagnosticIds.EmptySelection,
        "Wildcard or range selects nothing",
        "Tap '{0}': '{1}' selects no element of '{2}'",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SegmentKindMismatch = Create(DiagnosticIds.SegmentKindMismatch,
        "Tap segment does not fit the module",
        "Tap '{0}': segment '{1}' does not fit: {2}; expected {3}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor BypassWithoutTaps = Create(DiagnosticIds.BypassWithoutTaps,
        "Bypass has no taps",
        "Bypass model '{0}' declares no taps; add [BypassTaps(Start = ..., Taps = ...)]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InternalError = Create(DiagnosticIds.InternalError,
        "ResTuning generator failed",
        "The ResTuning generator could not process '{0}': {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidTask = Create(DiagnosticIds.InvalidTask,
        "Multi-task member is not a bypass over the shared backbone",
        "Multi-task model '{0}': task '{1}' must be a [ResTuningBypass<{2}>] model",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor CustomTunerContract = Create(DiagnosticIds.CustomTunerContract,
        "Custom tuner does not satisfy the tuner contract",
        "{0}: '{1}' cannot be a custom tuner: {2}; a custom tuner is a non-abstract class deriving from nn.Module<Tensor, Tensor> with a public constructor (long inFeatures, long outFeatures)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GeneratedNameClash = Create(DiagnosticIds.GeneratedNameClash,
        "Name clashes with a generated member",
        "{0} '{1}' has the name of a member the generator declares in '{2}'; rename it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor LessAccessibleType = Create(DiagnosticIds.LessAccessibleType,
        "Backbone less accessible than the model",
        "Backbone '{0}' is less accessible than the model '{1}', whose generated public constructor and properties expose it; make it {2}, or make the model less accessible",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InaccessibleModuleType = Create(DiagnosticIds.InaccessibleModuleType,
        "Tapped module type not accessible from the model",
        "Tap '{0}': '{1}' is a {2}, which the model cannot access, and the generated code needs its type {3}; make {2} accessible to the model (internal or public)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MissingBackbone = Create(DiagnosticIds.MissingBackbone,
        "Model attribute without its backbone type argument",
        "[{0}] names no backbone: the model attributes are generic over the backbone's type; write [{1}<MyBackbone>{2}], with MyBackbone the backbone's module class",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnattachedAttribute = Create(DiagnosticIds.UnattachedAttribute,
        "Tuner attribute on a class that is not a model",
        "{0} has no effect: '{1}' has no model attribute, so nothing is generated from it; add [{2}<TBackbone>] with the backbone's type to make it a model",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DuplicateTask = Create(DiagnosticIds.DuplicateTask,
        "Task listed twice in a multi-task group",
        "Multi-task model '{0}' lists task '{1}' more than once; every entry is one more task and one more output, so list it once (for a second head on the same taps, declare another bypass class)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OverlappingTaps = Create(DiagnosticIds.OverlappingTaps,
        "Bypass taps overlap",
        "Tap '{0}' overlaps '{1}': {2}; tap each module once, and not a module together with its own child",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TapsOutOfOrder = Create(DiagnosticIds.TapsOutOfOrder,
        "Bypass taps not in forward order",
        "'{0}' runs before '{1}' in the backbone but is listed after it; list the start and the taps in the order the backbone runs them",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OutputBeforeLastTap = Create(DiagnosticIds.OutputBeforeLastTap,
        "Bypass output point is not after the last tap",
        "Output '{0}' {1}; the bypass output can only re-enter the backbone after its last tap '{2}'",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor BypassWidthUnknown = Create(DiagnosticIds.BypassWidthUnknown,
        "Bypass width unknown",
        "Bypass model '{0}' needs the width of its taps for {1}; set Features (every tap the same width) or Widths (one per tap)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WidthsMismatch = Create(DiagnosticIds.WidthsMismatch,
        "Bypass widths do not match the taps",
        "Widths of '{0}' {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TaskMismatch = Create(DiagnosticIds.TaskMismatch,
        "Multi-task member cannot share the backbone pass",
        "Multi-task model '{0}': task '{1}' {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor IgnoredInBypass = Create(DiagnosticIds.IgnoredInBypass,
        "Attribute has no effect on a bypass model",
        "{0} has no effect on bypass model '{1}': the bypass backbone runs frozen without autograd; {2}",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SingleModuleExpected = Create(DiagnosticIds.SingleModuleExpected,
        "Bypass start or output must name one module",
        "{0} '{1}' must name exactly one module, but it selects {2}",
        DiagnosticSeverity.Error);
    public static readonly DiagnosticDescriptor DuplicateTuner = Create(DiagnosticIds.DuplicateTuner,
        "Duplicate tuner",
        "{0} repeats an earlier tuner of the same kind on tap '{1}' with the same parameters; remove it, or change its parameters if a second tuner is meant",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TrainableTap = Create(DiagnosticIds.TrainableTap,
        "Tuner beside a trainable module",
        "[Trainable(\"{0}\")] keeps trainable the operator that {1} is attached to; the tuner adds parameters next to a module that is trained anyway",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RedundantTrainable = Create(DiagnosticIds.RedundantTrainable,
        "Trainable path already covered",
        "[Trainable(\"{0}\")] selects only modules that [Trainable(\"{1}\")] already keeps trainable; remove it",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NothingToTrain = Create(DiagnosticIds.NothingToTrain,
        "Nothing to train",
        "'{0}' declares no tuner and no [Trainable] module: the whole backbone is frozen and the model has no trainable parameter",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ZeroFixedScale = Create(DiagnosticIds.ZeroFixedScale,
        "Tuner output scaled by a fixed 0",
        "{0}: a Fixed scale of 0 multiplies the tuner's output by 0, so it never changes the model and receives no gradient; use a learned scale or a non-zero ScaleValue",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TunerNameClash = Create(DiagnosticIds.TunerNameClash,
        "Two tuners with one name on one module",
        "{0} and {1} are both named '{2}' on '{3}': a tuner's name is its key in the state dict; set Name = \"...\" on one of them",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HeadWithReentry = Create(DiagnosticIds.HeadWithReentry,
        "Bypass head and re-entry together",
        "Bypass model '{0}' declares Classes = {1} and Output = '{2}': a re-entering bypass ends in the backbone's own head; remove Classes, or remove Output to classify b_L with a new head",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RuntimeCheckedTap = Create(DiagnosticIds.RuntimeCheckedTap,
        "Tap checked at run time",
        "Tap '{0}': '{1}' is looked up at run time: {2} is a compiled type whose registered children the compiler cannot see; the model checks the path once, when it is constructed",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor ChannelsUnknown = Create(DiagnosticIds.ChannelsUnknown,
        "Channel adapter channels cannot be read from the module",
        "Tap '{0}': a channel adapter cannot read the channels of a {1}; it reads them from a Conv2d or a ResNetBlock, so set In (and Out, Stride) on the attribute",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ModuleKindAtRunTime = Create(DiagnosticIds.ModuleKindAtRunTime,
        "Module kind checked at run time",
        "Tap '{0}': {1} depends on what this module is, and its type Module<Tensor, Tensor> (an element of a Sequential, for one) does not say; the model checks it once, when it is constructed",
        DiagnosticSeverity.Info);

    /// <summary>Every descriptor, in id order.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        NotPartial, NotSupportedType, BackboneNotModule, MalformedTap, UnresolvedTap, IndexOutOfRange,
        IncompatibleModule, ParameterOutOfRange, UnknownWidth, ConflictingModes, EmptySelection,
        SegmentKindMismatch, BypassWithoutTaps, InternalError, InvalidTask,
        DuplicateTuner, TrainableTap, RedundantTrainable, NothingToTrain, ZeroFixedScale, CustomTunerContract, GeneratedNameClash, LessAccessibleType, InaccessibleModuleType, TunerNameClash,
        MissingBackbone, UnattachedAttribute, DuplicateTask,
        OverlappingTaps, TapsOutOfOrder, OutputBeforeLastTap, BypassWidthUnknown, WidthsMismatch,
        TaskMismatch, IgnoredInBypass, SingleModuleExpected, HeadWithReentry,
        RuntimeCheckedTap, ChannelsUnknown, ModuleKindAtRunTime);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    /// <summary>The descriptor with id <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor Get(string id) => ById[id];

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");
}
