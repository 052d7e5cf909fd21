namespace ResTuning.Operators;

/// <summary>
/// What Res-Prefix and Res-Prompt need from a frozen multi-head attention: its projections, split
/// into heads. Implemented by <see cref="MultiHeadSelfAttention"/>; implement it on your own attention
/// module to attach attention tuners to it.
/// </summary>
/// <remarks>All head tensors are laid out <c>[batch, heads, tokens, headDim]</c>.</remarks>
public interface IAttentionOperator
{
    /// <summary>Embedding width D of the attention's input and output.</summary>
    long EmbedDim { get; }

    /// <summary>Number of heads H.</summary>
    long NumHeads { get; }

    /// <summary>Width of one head, D / H.</summary>
    long HeadDim { get; }

    /// <summary>Module name, used in messages.</summary>
    string Name { get; }

    /// <summary>Projects <c>[B, N, D]</c> tokens to queries <c>[B, H, N, D/H]</c> with the frozen W_q.</summary>
    Tensor ProjectQuery(Tensor x);

    /// <summary>Projects <c>[B, N, D]</c> tokens to keys and values <c>[B, H, N, D/H]</c> with the frozen W_k and W_v.</summary>
    (Tensor Key, Tensor Value) ProjectKeyValue(Tensor x);

    /// <summary>
    /// Merges heads <c>[B, H, N, D/H] → [B, N, D]</c> and applies the frozen output projection, with or
    /// without its bias (a parallel branch adds no second bias).
    /// </summary>
    Tensor ProjectOutput(Tensor heads, bool includeBias);

    /// <summary>
    /// The additive bias on the scores over this attention's own keys in the pass in progress (e.g. a padding mask,
    /// <c>[B, 1, 1, N]</c>, broadcast over heads and queries), or null when every key is visible (the default). The exact
    /// λ form of Res-Prefix/Res-Prompt adds it to the frozen keys' scores; a tuner's own keys are always visible. The
    /// tensor belongs to the attention: do not dispose it.
    /// </summary>
    Tensor? KeyBias => null;
}
