using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// A pretrained network the main job tunes (<see cref="ImageNet.ImageNetBackbone"/>, or the sample ViT pretrained here by
/// <see cref="VitBackbone"/>): it prepares each method's model and knows the method's learning-rate grid.
/// </summary>
public interface IClassificationBackbone : IDisposable
{
    /// <summary>The backbone's name in <c>results.json</c> and the console.</summary>
    string Name { get; }

    /// <summary>Images per step of the memory probe.</summary>
    int MemoryProbeBatch { get; }

    /// <summary>A fresh model for <paramref name="method"/> (random parts seeded by <paramref name="seed"/>) on <paramref name="device"/>.</summary>
    ITuningRun Prepare(TuningMethod method, int seed, Device device);

    /// <summary>The peak learning rates the validation sweep tries for <paramref name="method"/>.</summary>
    IReadOnlyList<double> LearningRates(TuningMethod method);
}
