using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using static TorchSharp.torch;

namespace ResTuning.Samples.Text;

/// <summary>
/// The frozen encoder's mean-pooled sentence vector as a single tap (<c>mean_pool</c>, <c>[B, D]</c>): what the linear probe
/// reads, so it can train on a tap cache.
/// </summary>
/// <param name="bert">The frozen encoder (kept in evaluation mode by its run).</param>
public sealed class PooledTapSource(BertModel bert) : ITapSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> TapNames { get; } = new[] { "mean_pool" };

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Collect(Tensor input, int lastTap)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var mask = input.ne(bert.Config.PadTokenId);
        return new[] { BertModel.MeanPool(bert.Encode(input, mask), mask).MoveToOuterDisposeScope() };
    }
}

/// <summary>
/// A bypass's tap source with the attention mask appended as one more tap (<c>attention_mask</c>, <c>[B, T]</c>, 1 at real
/// tokens): cached with the taps, it lets the bypass's head pool over the real tokens without the token ids.
/// </summary>
/// <param name="inner">The bypass's own source (x_0..x_L).</param>
/// <param name="padTokenId">The <c>[PAD]</c> id.</param>
public sealed class MaskTapSource(ITapSource inner, long padTokenId) : ITapSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> TapNames { get; } = inner.TapNames.Append("attention_mask").ToArray();

    /// <summary>Index of the mask tap (L + 1).</summary>
    public int MaskTap => inner.TapNames.Count;

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Collect(Tensor input, int lastTap)
    {
        ArgumentNullException.ThrowIfNull(input);
        var taps = inner.Collect(input, Math.Min(lastTap, MaskTap - 1));
        if (lastTap < MaskTap) return taps;
        return taps.Append(input.ne(padTokenId).to(ScalarType.Float32)).ToArray();
    }
}
