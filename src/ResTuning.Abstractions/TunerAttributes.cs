#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>Common shape of the tuner attributes: a tap path and how the tuner's output is scaled.</summary>
public abstract class TunerAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Module path in the backbone, e.g. <c>blocks.*.mlp</c> or <c>blocks.0..6.attn.qkv</c>.</param>
    protected TunerAttribute(string tap) => Tap = tap;

    /// <summary>
    /// The module path the tuner runs beside: registered module names separated by dots; after a
    /// <c>ModuleList</c>/<c>Sequential</c> an index (<c>3</c>), every element (<c>*</c>) or an end-exclusive
    /// range (<c>0..6</c> = elements 0 to 5, like C# ranges).
    /// </summary>
    public string Tap { get; }

    /// <summary>How the output is scaled (<see cref="TunerScaleKind.Fixed"/> by default).</summary>
    public TunerScaleKind Scale { get; set; }

    /// <summary>The fixed scale, or the initial value of a learned one (1 by default).</summary>
    public double ScaleValue { get; set; } = TunerDefaults.Scale;

    /// <summary>
    /// The tuner's name in the state dict (<c>taps.{tap}.tuners.{Name}.*</c>); by default its kind (<c>adapter</c>, <c>channel_adapter</c>,
    /// <c>prefix</c>, <c>prompt</c>, <c>lora</c>, or a custom tuner's type name in lower case). A name depends only on the tap and this
    /// value, never on attribute order, so saved tuners keep loading after attributes are reordered or added. Set it to
    /// put several tuners of one kind on one module (letters, digits and underscores).
    /// </summary>
    public string? Name { get; set; }
}

/// <summary>A Res-Adapter <c>W_up σ(W_down x)</c> beside the tapped module.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResAdapterAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Module path in the backbone.</param>
    public ResAdapterAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Bottleneck width (64 by default).</summary>
    public int Dim { get; set; } = TunerDefaults.AdapterDim;

    /// <summary>Input width; 0 to read it from the tap (a <c>Linear</c> or an attention) or the model's <c>Features</c>.</summary>
    public int In { get; set; }

    /// <summary>Output width; 0 for the tap's output width, or <see cref="In"/>.</summary>
    public int Out { get; set; }

    /// <summary>Dropout on the bottleneck, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>Zero-initialise the up projection so training starts from the backbone (default true).</summary>
    public bool ZeroInit { get; set; } = true;

    /// <summary>The non-linearity (GELU by default).</summary>
    public AdapterActivationKind Activation { get; set; }
}

/// <summary>
/// A Res-Adapter over feature maps beside a convolutional module M: <c>M(x) + s · W_up σ(W_down x)</c>, the projections
/// 1×1 convolutions from M's input channels to its output channels, the down one with M's stride, so the adapter's output
/// has M's <c>[N, C_out, H', W']</c> shape. Not mergeable (like <see cref="ResAdapterAttribute"/>).
/// </summary>
/// <remarks>
/// On a <c>Conv2d</c> the channels and stride are the conv's; on a <c>ResTuning.Backbones.ResNetBlock</c> the block's
/// (<c>InChannels</c>, <c>OutChannels</c>, <c>Stride</c>). On any other module state <see cref="In"/> (and
/// <see cref="Out"/>, <see cref="Stride"/>), else RT0041.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ChannelAdapterAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Path of a module over <c>[N, C, H, W]</c> feature maps, e.g. <c>layer1.*</c> or <c>conv1</c>.</param>
    public ChannelAdapterAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Bottleneck channels (64 by default).</summary>
    public int Dim { get; set; } = TunerDefaults.AdapterDim;

    /// <summary>Input channels; 0 to read them from the tap (a <c>Conv2d</c> or a <c>ResNetBlock</c>).</summary>
    public int In { get; set; }

    /// <summary>Output channels; 0 for the tap's output channels, or <see cref="In"/>.</summary>
    public int Out { get; set; }

    /// <summary>The module's spatial downsampling factor (H/H'); 0 to read it from the tap, or 1 on a module that does not tell.</summary>
    public int Stride { get; set; }

    /// <summary>Dropout on the bottleneck, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>Zero-initialise the up projection so training starts from the backbone (default true).</summary>
    public bool ZeroInit { get; set; } = true;

    /// <summary>The non-linearity (GELU by default).</summary>
    public AdapterActivationKind Activation { get; set; }
}

/// <summary>A Res-Prefix (learned keys/values queried by the frozen attention) beside an attention tap.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResPrefixAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Path of an attention module implementing <c>IAttentionOperator</c>.</param>
    public ResPrefixAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Prefix length L (10 by default).</summary>
    public int Length { get; set; } = TunerDefaults.PrefixLength;

    /// <summary>Zero-initialise the prefix values (default true).</summary>
    public bool ZeroInit { get; set; } = true;

    /// <summary>Standard deviation of the random initialisation (0.02 by default).</summary>
    public double InitStd { get; set; } = TunerDefaults.PrefixInitStd;
}

/// <summary>A Res-Prompt (learned prompts projected by the frozen attention) beside an attention tap.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ResPromptAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Path of an attention module implementing <c>IAttentionOperator</c>.</param>
    public ResPromptAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Number of prompts L (10 by default).</summary>
    public int Length { get; set; } = TunerDefaults.PrefixLength;

    /// <summary>Uniform initialisation range; 0 (the default) for VPT's <c>sqrt(6 / D)</c>.</summary>
    public double InitRange { get; set; }
}

/// <summary>LoRA beside a frozen <c>Linear</c>: <c>x·Aᵀ·Bᵀ·(α/r)</c>; mergeable into the weight.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LoRAAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Path of a <c>Linear</c> module.</param>
    public LoRAAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Rank r (8 by default).</summary>
    public int Rank { get; set; } = TunerDefaults.LoRARank;

    /// <summary>α; the update is scaled by α/r (16 by default).</summary>
    public double Alpha { get; set; } = TunerDefaults.LoRAAlpha;

    /// <summary>Dropout on the tuner's input, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>Zero-initialise B so training starts from the backbone (default true).</summary>
    public bool ZeroInit { get; set; } = true;
}

/// <summary>
/// DoRA, weight-decomposed LoRA (Liu et al. 2024; PEFT's <c>use_dora=True</c>), beside a frozen <c>Linear</c> with weight
/// <c>W</c>: the tuned weight is <c>m ⊙ V/‖V‖_c</c>, <c>V = W + (α/r)·B·A</c>, <c>‖·‖_c</c> the L2 norm of each output row
/// and the magnitude m initialised to <c>‖W‖_c</c> (B starts at zero, so the model starts as the backbone). The norm is
/// detached from the gradient, as in PEFT. Trainable per tap: <c>r·in + out·r + out</c> (A, B and m); mergeable into the
/// weight exactly. On any module but a <c>Linear</c> it is refused at compile time (RT0007).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DoRAAttribute : TunerAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Path of a <c>Linear</c> module.</param>
    public DoRAAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Rank r of the low-rank update (8 by default).</summary>
    public int Rank { get; set; } = TunerDefaults.LoRARank;

    /// <summary>α; the low-rank update is scaled by α/r (16 by default).</summary>
    public double Alpha { get; set; } = TunerDefaults.LoRAAlpha;

    /// <summary>Dropout on the tuner's input, in [0, 1).</summary>
    public double Dropout { get; set; }
}

/// <summary>
/// A tuner of your own beside the tapped module. <typeparamref name="TTuner"/> must be a non-abstract TorchSharp
/// <c>nn.Module&lt;Tensor, Tensor&gt;</c> with a public constructor <c>(long inFeatures, long outFeatures)</c>; it reads the
/// module's input and its output is added to the module's output (zero-initialise its last projection so the tuned model
/// starts as the backbone). Checked at compile time (RT0022).
/// </summary>
/// <typeparam name="TTuner">The tuner type.</typeparam>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CustomTunerAttribute<TTuner> : TunerAttribute
    where TTuner : class
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tap">Module path in the backbone.</param>
    public CustomTunerAttribute(string tap) : base(tap)
    {
    }

    /// <summary>Input width; 0 to read it from the tap (a <c>Linear</c> or an attention) or the model's <c>Features</c>.</summary>
    public int In { get; set; }

    /// <summary>Output width; 0 for the tap's output width, or <see cref="In"/>.</summary>
    public int Out { get; set; }
}

/// <summary>
/// Keeps a backbone module trainable (PEFT's <c>modules_to_save</c>); saved with the tuners under <c>backbone.{path}.*</c>.
/// The module's original parameters and buffers are kept aside: <c>DisableTuners()</c> computes the plain backbone,
/// <c>Unload()</c> and <c>Dispose()</c> return it as it was, <c>MergeAndUnload()</c> returns it with the trained values.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TrainableAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="path">Module path in the backbone, e.g. <c>head</c>.</param>
    public TrainableAttribute(string path) => Path = path;

    /// <summary>The module path.</summary>
    public string Path { get; }
}
