using System;
using ResTuning.Backbones;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Text;

/// <summary>
/// A classifier for token states <c>[B, T, D]</c>: the mean over the real tokens (sentence-transformers' mean pooling,
/// <see cref="BertModel.MeanPool"/>), then a Linear <c>fc</c>. The head of the text sample's bypass: its b_L is per token,
/// and padding must not enter the pooled vector, so the mask comes with the tokens (<see cref="Forward(Tensor, Tensor)"/>).
/// </summary>
public sealed class MaskedMeanHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    /// <param name="features">Token width D.</param>
    /// <param name="classes">Output classes.</param>
    /// <param name="name">Module name.</param>
    public MaskedMeanHead(long features, long classes, string name = "head") : base(name)
    {
        fc = nn.Linear(features, classes);
        register_module("fc", fc);
    }

    /// <summary>The output projection.</summary>
    public Linear Fc => fc;

    /// <summary>Logits from token states <c>[B, T, D]</c>, every token counted (for inputs without padding).</summary>
    public override Tensor forward(Tensor tokens) => Forward(tokens, ones(tokens.shape[0], tokens.shape[1], device: tokens.device));

    /// <summary>Logits <c>[B, classes]</c> from token states <c>[B, T, D]</c> and the attention mask <c>[B, T]</c> (1 or true at real tokens).</summary>
    /// <exception cref="ArgumentException">The mask's shape is not the tokens' <c>[B, T]</c>.</exception>
    public Tensor Forward(Tensor tokens, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mask);
        if (tokens.dim() != 3 || mask.dim() != 2 || mask.shape[0] != tokens.shape[0] || mask.shape[1] != tokens.shape[1])
            throw new ArgumentException($"Expected tokens [B, T, D] and a mask [B, T]; got [{string.Join(", ", tokens.shape)}] and [{string.Join(", ", mask.shape)}].", nameof(mask));
        using var scope = NewDisposeScope();
        return fc.call(BertModel.MeanPool(tokens, mask)).MoveToOuterDisposeScope();
    }
}
