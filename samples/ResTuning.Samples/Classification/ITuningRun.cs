using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Bypass;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>One method's model over one backbone, ready to train: what the trainer, the memory probe and the tap cache need.</summary>
public interface ITuningRun : IDisposable
{
    /// <summary>The parameters the optimizer updates.</summary>
    IReadOnlyList<Parameter> Trainable { get; }

    /// <summary>Trainable and total parameter elements (the frozen backbone included).</summary>
    ParameterCounts Counts { get; }

    /// <summary>Images (as the data set holds them) to logits.</summary>
    Tensor Forward(Tensor images);

    /// <summary>Switches between training and evaluation mode (a frozen backbone's batch norm stays in evaluation mode).</summary>
    void SetTraining(bool training);

    /// <summary>For a generated DSL model: prints PEFT's summary line and writes the tuner-only checkpoint; otherwise nothing.</summary>
    void SaveTuners(string path);

    /// <summary>Where the method can train on a tap cache (the frozen backbone's taps read once): how; null otherwise.</summary>
    TapReader? Taps { get; }
}

/// <summary>What every <see cref="ITuningRun"/> reads off its model the same way.</summary>
public static class TuningRunParameters
{
    /// <summary>
    /// The parameters the optimizer updates: a generated model's trainable ones, else every parameter with
    /// <c>requires_grad</c>. Read after the model moved to its device (moving replaces parameter tensors).
    /// </summary>
    public static List<Parameter> Trainable(nn.Module model) =>
        model is ITunedModel tuned ? tuned.TrainableParameters().ToList() : model.parameters().Where(p => p.requires_grad).ToList();

    /// <summary>Trainable and total elements: a generated model counts its backbone once, registered or not (a bypass's is not).</summary>
    public static ParameterCounts Counts(nn.Module model, nn.Module backbone) =>
        model is ITunedModel tuned ? tuned.CountParameters() : ParameterCounts.Of(backbone);
}

/// <summary>How a method reads a frozen backbone's taps: the source that collects them and the trainable part that reads them.</summary>
/// <param name="Source">Collects <c>x_0..x_L</c> from the backbone's input, without autograd.</param>
/// <param name="LastTap">The last tap the method reads.</param>
/// <param name="ToBackboneInput">Data-set images to the backbone's input (resizing, normalisation).</param>
/// <param name="Run">The trainable part: taps to logits.</param>
public sealed record TapReader(ITapSource Source, int LastTap, Func<Tensor, Tensor> ToBackboneInput, Func<IReadOnlyList<Tensor>, Tensor> Run);
