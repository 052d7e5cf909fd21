using System.Collections.Generic;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>The sample ViT pretrained on the source classes (checkpoint at <paramref name="checkpoint"/>), with a new head of <paramref name="classes"/> classes.</summary>
/// <param name="checkpoint">The pretrained checkpoint (<c>.safetensors</c>, timm names).</param>
/// <param name="classes">Classes of the target task.</param>
public sealed class VitBackbone(string checkpoint, int classes) : IClassificationBackbone
{
    /// <summary>The name in <c>results.json</c>.</summary>
    public const string BackboneName = "sample-vit";

    /// <summary>Images per step of the memory probe: at the tuning runs' small batch the small ViT's figure would be lost in allocator noise.</summary>
    public const int ProbeBatch = 256;

    /// <inheritdoc />
    public string Name => BackboneName;

    /// <inheritdoc />
    public int MemoryProbeBatch => ProbeBatch;

    /// <inheritdoc />
    public ITuningRun Prepare(TuningMethod method, int seed, Device device)
    {
        manual_seed(seed);
        var vit = Pretraining.LoadBackbone(checkpoint, classes, randomInit: method == TuningMethod.Scratch);
        return PreparedModel.Create(vit, method, device);
    }

    /// <inheritdoc />
    public IReadOnlyList<double> LearningRates(TuningMethod method) => method.LearningRates();

    /// <summary>Nothing to release: each run loads and owns its ViT.</summary>
    public void Dispose()
    {
    }
}
