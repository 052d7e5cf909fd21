using System.Collections.Generic;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// What the stages of a <see cref="DenoisingUNet"/> share besides the tensor they pass along: the timesteps of the
/// current call (set by the caller before the chain runs), the timestep embedding and the encoder's skip features
/// (set by <see cref="UNetEncoder"/> and read by each <see cref="UNetUpStage"/>). It keeps every stage a plain
/// <c>Module&lt;Tensor, Tensor&gt;</c>, which is what a bypass taps (forward hooks on the stages).
/// </summary>
public sealed class DenoiserContext
{
    /// <summary>Timesteps <c>[B]</c> (int64) of the call about to run.</summary>
    public Tensor? Timesteps { get; set; }

    /// <summary>The timestep embedding <c>[B, E]</c> of the running call.</summary>
    public Tensor? Embedding { get; set; }

    /// <summary>The encoder's skip features of the running call, finest first.</summary>
    public List<Tensor> Skips { get; } = new();
}
