using ResTuning.Generators.Tuners;

namespace ResTuning.Generators.Model;

/// <summary>Where a tuner width comes from.</summary>
internal enum WidthSource
{
    /// <summary>A compile-time constant (<see cref="Width.Value"/>).</summary>
    Constant,

    /// <summary>The tapped Linear's <c>in_features</c>.</summary>
    LinearIn,

    /// <summary>The tapped Linear's <c>out_features</c>.</summary>
    LinearOut,

    /// <summary>The tapped attention's <c>EmbedDim</c>.</summary>
    AttentionEmbed,

    /// <summary>The tapped Conv2d's <c>in_channels</c>.</summary>
    ConvIn,

    /// <summary>The tapped Conv2d's <c>out_channels</c>.</summary>
    ConvOut,
}

/// <summary>A tuner width: a constant or a property of the tapped module read at run time.</summary>
internal readonly record struct Width(WidthSource Source, int Value)
{
    public bool IsConstant => Source == WidthSource.Constant;
}

/// <summary>
/// A type containing the model: <see cref="Header"/> is the head of its generated partial declaration
/// (<c>partial class</c>, <c>partial record struct</c>, <c>readonly partial struct</c>...), <see cref="Name"/> its name (no <c>@</c>).
/// </summary>
internal sealed record ContainingTypeSpec(string Header, string Name);

/// <summary>
/// The annotated type: <see cref="Namespace"/> (dotted, names without <c>@</c>; empty for the global namespace), its name
/// (without <c>@</c>), and its containing types, outermost first. Emitters escape these names. <see cref="HintOrdinal"/>
/// tells apart annotated types whose hint names differ only in case (hint names are compared ignoring case).
/// </summary>
internal sealed record TypeSpec(string Namespace, string Name, EquatableArray<ContainingTypeSpec> ContainingTypes, int HintOrdinal = 0)
{
    /// <summary>
    /// Hint name of the generated file: <c>Namespace.Outer.Type.g.cs</c>, with every character a hint name cannot hold
    /// replaced by <c>_</c>, and <c>.2</c>, <c>.3</c>... before <c>.g.cs</c> for the second, third... type of the same name
    /// ignoring case. One per type: a class declares one mode (RT0010), so the hint name is unique per type and mode.
    /// </summary>
    public string HintName
    {
        get
        {
            var sb = new System.Text.StringBuilder();
            if (Namespace.Length > 0) sb.Append(Namespace).Append('.');
            foreach (var c in ContainingTypes) sb.Append(c.Name).Append('.');
            sb.Append(Name);
            for (var i = 0; i < sb.Length; i++)
            {
                var ch = sb[i];
                if (!(ch == '.' || ch == '_' || Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierPartCharacter(ch))) sb[i] = '_';
            }
            if (HintOrdinal > 0) sb.Append('.').Append((HintOrdinal + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return sb.Append(".g.cs").ToString();
        }
    }
}

/// <summary>
/// One tuner on one tap of a parallel model, with every parameter validated: what every kind has (its name, tap, widths
/// and scale) and, in <see cref="Kind"/>, its kind with that kind's own parameters. <see cref="Source"/> is the attribute
/// as written, echoed as a comment in the generated code.
/// </summary>
internal sealed record TunerSpec(
    TunerKindSpec Kind,
    string Name,
    ResolvedTap Tap,
    Width In,
    Width Out,
    TunerScaleKind Scale,
    double ScaleValue,
    string Source);

/// <summary>A backbone module kept trainable.</summary>
internal sealed record TrainableSpec(ResolvedTap Tap, string Source);

/// <summary>What every mode's model spec has: the annotated type it completes.</summary>
internal interface IModelSpec
{
    /// <summary>The annotated type.</summary>
    TypeSpec Type { get; }
}

/// <summary>Everything the emitter needs for a parallel Res-Tuning model.</summary>
internal sealed record ParallelSpec(
    TypeSpec Type,
    string BackboneType,
    EquatableArray<TunerSpec> Tuners,
    EquatableArray<TrainableSpec> Trainable,
    long TrainableParameterCount) : IModelSpec
{
    public bool HasLoRA
    {
        get
        {
            foreach (var t in Tuners) if (t.Kind.IsMergeable) return true;
            return false;
        }
    }
}

/// <summary>A lateral or vertical bypass tuner, validated.</summary>
internal sealed record BypassTunerSpec(BypassTunerKind Kind, int Dim, int Rank, double Alpha, double Dropout, bool Residual);

/// <summary>
/// Everything the emitter needs for a Res-Tuning-Bypass model. <see cref="Widths"/> holds the widths of x_0..x_L
/// (one entry: every tap has that width; empty: unknown, only possible with identity tuners and no head).
/// <see cref="Inputs"/> is the backbone's number of tensor inputs (1, or 2 for e.g. a denoiser's images and timesteps).
/// </summary>
internal sealed record BypassSpec(
    TypeSpec Type,
    string BackboneType,
    ResolvedTap? Start,
    EquatableArray<ResolvedTap> Taps,
    ResolvedTap? Output,
    BypassTunerSpec Lateral,
    BypassTunerSpec Vertical,
    EquatableArray<int> Widths,
    FeatureMapStep Resize,
    int Classes,
    double Lambda,
    bool LearnLambda,
    long TrainableParameterCount,
    string Source,
    int Inputs) : IModelSpec;

/// <summary>
/// A multi-task group: bypass models over one backbone, run on one backbone pass. <see cref="Tasks"/> are the tasks'
/// fully qualified names, <see cref="TaskNames"/> their simple names (no <c>@</c>).
/// </summary>
internal sealed record MultiTaskSpec(TypeSpec Type, string BackboneType, EquatableArray<string> Tasks, EquatableArray<string> TaskNames) : IModelSpec;

/// <summary>
/// How a bypass over <c>[B, C, H, W]</c> feature maps moves its state between taps (<c>[BypassTaps(Upsample/Downsample)]</c>);
/// <see cref="None"/> for token or vector taps.
/// </summary>
internal enum FeatureMapStep
{
    None,
    Upsample,
    Downsample,
}

/// <summary>The three kinds of model.</summary>
internal enum ModelMode
{
    Parallel,
    Bypass,
    MultiTask,
}

/// <summary>
/// What a model with RT errors still gets: a shell with the normal model's base class, constructors and public members,
/// each throwing, so that using the class adds no follow-on compiler errors to the RT ones. Only for a class whose
/// shell compiles: a partial, non-generic class with a valid backbone whose members take no user name (no RT0001, RT0002,
/// RT0003, RT0023, RT0024). <see cref="Inputs"/> is the bypass backbone's input count, <see cref="HasLoRA"/> whether a
/// parallel model declares a LoRA (its merging members), <see cref="Tasks"/> and <see cref="TaskNames"/> a multi-task
/// model's tasks that a property can expose (fully qualified, and their property names).
/// </summary>
internal sealed record ShellSpec(ModelMode Mode, TypeSpec Type, string BackboneType, int Inputs, bool HasLoRA,
    EquatableArray<string> Tasks, EquatableArray<string> TaskNames) : IModelSpec;

/// <summary>The result of the transform for one annotated class: a spec when valid, else a shell where one compiles, and the diagnostics.</summary>
internal sealed record ModelResult(ParallelSpec? Parallel, BypassSpec? Bypass, MultiTaskSpec? MultiTask, EquatableArray<DiagnosticInfo> Diagnostics,
    ShellSpec? Shell = null)
{
    public ModelResult(ParallelSpec? parallel, BypassSpec? bypass, EquatableArray<DiagnosticInfo> diagnostics, ShellSpec? shell = null)
        : this(parallel, bypass, null, diagnostics, shell)
    {
    }

    /// <summary>Nothing for this parse: the class is another mode's parse to report.</summary>
    public static ModelResult None { get; } = new(null, null, EquatableArray<DiagnosticInfo>.Empty);
}
