using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// Res-Tuning-Bypass over the sample ViT: the backbone (head included) is frozen and runs without autograd; a side
/// chain of Res-Adapters (bottleneck 16, lateral and vertical) reads its detached block outputs and feeds a new
/// class-token head with <see cref="VitConfig.NumClasses"/> classes.
/// </summary>
/// <remarks>
/// Written by hand on the runtime <see cref="ResTuningBypass"/> with the members the generator gives DSL models, so
/// that once bypass generation ships this class becomes
/// <c>[ResTuningBypass&lt;VisionTransformer&gt;(Classes = 6, Features = SampleVit.Width)] [BypassTaps(Taps = "blocks.*")]
/// [Lateral(TunerKind.Adapter, Dim = 16)] [Vertical(TunerKind.Adapter, Dim = 16)] public partial class VitBypass;</c>
/// and its callers stay as they are.
/// </remarks>
public sealed class VitBypass : nn.Module<Tensor, Tensor>
{
    private readonly ResTuningBypass bypass;

    /// <summary>Freezes <paramref name="backbone"/> and builds the bypass and head.</summary>
    public VitBypass(VisionTransformer backbone) : base("VitBypass")
    {
        var width = backbone.Config.EmbedDim;
        bypass = new ResTuningBypass(new VitTapSource(backbone), BypassStages.Adapters(backbone.Blocks.Count, width, hiddenDim: 16),
            new ClassTokenHead(width, backbone.Config.NumClasses));
        register_module("backbone", backbone);
        register_module("bypass", bypass);
    }

    /// <summary>The trainable parameters (bypass stages and head), for an optimizer.</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>Trainable and total parameter counts (the frozen backbone included in the total).</summary>
    public ParameterCounts CountParameters() => ParameterCounts.Of(this);

    /// <summary>Runs the backbone without autograd, then the bypass and head.</summary>
    public override Tensor forward(Tensor images) => bypass.call(images);
}
