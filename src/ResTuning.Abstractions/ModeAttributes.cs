#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>
/// Marks a <c>partial</c> class as a parallel Res-Tuning model over a frozen <typeparamref name="TBackbone"/>:
/// every tuner declared on the class (<see cref="ResAdapterAttribute"/>, <see cref="ResPrefixAttribute"/>,
/// <see cref="ResPromptAttribute"/>, <see cref="LoRAAttribute"/>) runs beside the module its tap names,
/// reads that module's input and adds its output: <c>y = OP(x) + Σ s_k·R_k(x)</c>.
/// </summary>
/// <typeparam name="TBackbone">The backbone: a TorchSharp <c>nn.Module&lt;Tensor, Tensor&gt;</c>.</typeparam>
/// <example>
/// <code>
/// [ResTuning&lt;VisionTransformer&gt;]
/// [ResAdapter("blocks.*.mlp", Dim = 64, In = 768)]
/// [LoRA("blocks.0..6.attn.qkv", Rank = 8, Alpha = 16)]
/// [Trainable("head")]
/// public partial class VitTuned;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResTuningAttribute<TBackbone> : Attribute
    where TBackbone : class
{
    /// <summary>
    /// Default feature width for tuners whose width cannot be read from their tap (e.g. an adapter on an
    /// MLP); 0 when not set.
    /// </summary>
    public int Features { get; set; }
}

/// <summary>
/// Marks a <c>partial</c> class as a Res-Tuning-Bypass model over a frozen <typeparamref name="TBackbone"/>:
/// the backbone runs without autograd and a detached bypass (<see cref="BypassTapsAttribute"/>,
/// <see cref="LateralAttribute"/>, <see cref="VerticalAttribute"/>) learns from its features.
/// </summary>
/// <typeparam name="TBackbone">
/// The backbone: a TorchSharp <c>nn.Module&lt;Tensor, Tensor&gt;</c>, or <c>nn.Module&lt;Tensor, Tensor, Tensor&gt;</c> for a
/// backbone with two inputs such as a denoiser's noisy images and timesteps (the generated model then takes both).
/// </typeparam>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResTuningBypassAttribute<TBackbone> : Attribute
    where TBackbone : class
{
    /// <summary>Number of classes of the bypass head; 0 when the bypass output re-enters the backbone.</summary>
    public int Classes { get; set; }

    /// <summary>Feature width of the bypass when every tap has the same width (e.g. 768 for ViT-B).</summary>
    public int Features { get; set; }

    /// <summary>
    /// Widths of <c>x_0..x_L</c> when the taps differ (U-Net decoders: channel counts), one per tap including the
    /// start; overrides <see cref="Features"/>. Needs a tap count known at compile time.
    /// </summary>
    public int[]? Widths { get; set; }

    /// <summary>
    /// λ of the paper's form <c>b_l = λ·lateral(x_l) + (1-λ)·vertical(b_(l-1))</c>, in [0, 1]; NaN (the default)
    /// for the plain sum <c>lateral(x_l) + vertical(b_(l-1))</c>.
    /// </summary>
    public double Lambda { get; set; } = double.NaN;

    /// <summary>Learn λ (initialised at <see cref="Lambda"/>, or at 0.5 when it is not given) instead of keeping it fixed.</summary>
    public bool LearnLambda { get; set; }
}

/// <summary>
/// Marks a <c>partial</c> class as a multi-task model: one frozen <typeparamref name="TBackbone"/> run once,
/// its tap features shared by several bypass models (each a class marked with
/// <see cref="ResTuningBypassAttribute{TBackbone}"/> over the same backbone and taps).
/// </summary>
/// <typeparam name="TBackbone">The shared backbone.</typeparam>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResTuningMultiTaskAttribute<TBackbone> : Attribute
    where TBackbone : class
{
    /// <summary>Declares the task bypasses.</summary>
    /// <param name="tasks">The bypass model types, in output order.</param>
    public ResTuningMultiTaskAttribute(params Type[] tasks) => Tasks = tasks;

    /// <summary>The task bypass model types.</summary>
    public Type[] Tasks { get; }
}
