namespace ResTuning.Generators.Emit;

/// <summary>
/// The public face of the generated models that does not depend on a valid configuration: each mode's base class, its
/// constructors' parameters and base-constructor arguments, and the types and signatures of its other public members.
/// The emitters write these from here, and so does <see cref="ShellEmitter"/> for a model with RT errors, so a shell
/// always has the normal model's base class and members (tests/ResTuning.Generators.Tests/ShellTests.cs compares them).
/// </summary>
internal static class ModelSurface
{
    public const string Tensor = ModelFile.Tensor;
    public const string TensorModule = ModelFile.TensorModule;
    public const string TapSource = "global::ResTuning.Bypass.HookTapSource";
    public const string NameList = "global::System.Collections.Generic.IReadOnlyList<string>";

    // ----- Parallel models: ResTuning.Parallel.ParallelModel<TBackbone> -----

    /// <summary>The base class of a parallel model.</summary>
    public static string ParallelBase(string backboneType) => $"global::ResTuning.Parallel.ParallelModel<{backboneType}>";

    /// <summary>The parameters of a parallel model's constructor.</summary>
    public static string ParallelParameters(string backboneType) => $"{backboneType} backbone";

    /// <summary>The arguments a parallel model's constructor passes to its base, after the module name.</summary>
    public const string ParallelBaseArguments = "backbone";

    /// <summary>PEFT's merging verbs, declared when a LoRA is: <c>Merge()</c> and <c>Unmerge()</c> return <see cref="NameList"/>.</summary>
    public static string MergeAndUnloadSignature(string backboneType) => $"public {backboneType} MergeAndUnload()";

    // ----- Bypass models: ResTuning.Bypass.BypassModel<TBackbone> (TwoInputBypassModel<TBackbone> over a two-input backbone) -----

    /// <summary>The base class of a bypass model over a backbone with <paramref name="inputs"/> inputs; it holds the backbone, the taps, the chain, forward and Run.</summary>
    public static string BypassBase(string backboneType, int inputs) =>
        inputs == 2 ? $"global::ResTuning.Bypass.TwoInputBypassModel<{backboneType}>" : $"global::ResTuning.Bypass.BypassModel<{backboneType}>";

    /// <summary>The parameters of a bypass model's constructor that hooks its own taps.</summary>
    public static string BypassParameters(string backboneType) => $"{backboneType} backbone, {TensorModule}? head = null";

    /// <summary>The parameters of a bypass model's constructor on taps already hooked.</summary>
    public static string BypassSharedParameters(string backboneType) => $"{backboneType} backbone, {TapSource} source, {TensorModule}? head = null";

    /// <summary>The arguments a bypass model's constructor passes to its base, after the module name.</summary>
    public static string BypassBaseArguments(bool sharedSource) => sharedSource
        ? "backbone, source, ownsSource: false, Factories, head"
        : "backbone, CreateTapSource(backbone), ownsSource: true, Factories, head";

    /// <summary>A bypass model's static tap-source factory (without its body).</summary>
    public static string CreateTapSourceSignature(string backboneType) => $"public static {TapSource} CreateTapSource({backboneType} backbone)";

    // ----- Multi-task models: ResTuning.Bypass.MultiTaskModel<TBackbone> -----

    /// <summary>The base class of a multi-task model; it holds the backbone, the shared taps, ForwardAll and forward.</summary>
    public static string MultiTaskBase(string backboneType) => $"global::ResTuning.Bypass.MultiTaskModel<{backboneType}>";

    /// <summary>The parameters of a multi-task model's constructor.</summary>
    public static string MultiTaskParameters(string backboneType) => $"{backboneType} backbone";
}
