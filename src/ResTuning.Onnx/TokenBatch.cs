namespace ResTuning.Onnx;

/// <summary>A padded batch of tokenised texts: ids and attention mask, both int64 <c>[B, T]</c>, T the longest sequence.</summary>
public sealed class TokenBatch : IDisposable
{
    internal TokenBatch(Tensor inputIds, Tensor attentionMask)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
    }

    /// <summary>Token ids <c>[B, T]</c>: <c>[CLS]</c>, the text's word pieces, <c>[SEP]</c>, then <c>[PAD]</c> up to T.</summary>
    public Tensor InputIds { get; }

    /// <summary>1 at real tokens (special ones included), 0 at padding, <c>[B, T]</c>.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Releases both tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
