using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Support;

/// <summary>
/// Hand-written bound forms, written from the definitions and independent of the library's code:
/// prefix tuning (keys/values concatenated in front) and VPT-deep (prompts concatenated to the tokens).
/// </summary>
internal static class BoundReference
{
    /// <summary>Multi-head attention with extra keys/values [L, D] concatenated in front of the token keys/values.</summary>
    public static Tensor PrefixAttention(Tensor x, Linear qkv, Linear proj, long heads, Tensor? prefixKey, Tensor? prefixValue)
    {
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var hd = d / heads;
        var all = x.matmul(qkv.weight!.t()) + qkv.bias!;
        var q = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, d)];
        var k = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(d, 2 * d)];
        var v = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(2 * d, 3 * d)];
        if (prefixKey is not null)
        {
            k = cat(new[] { prefixKey.unsqueeze(0).expand(b, -1, -1), k }, 1);
            v = cat(new[] { prefixValue!.unsqueeze(0).expand(b, -1, -1), v }, 1);
        }
        var outputs = new List<Tensor>();
        for (long h = 0; h < heads; h++)
        {
            var cols = TensorIndex.Slice(h * hd, (h + 1) * hd);
            var qh = q[TensorIndex.Colon, TensorIndex.Colon, cols];
            var kh = k[TensorIndex.Colon, TensorIndex.Colon, cols];
            var vh = v[TensorIndex.Colon, TensorIndex.Colon, cols];
            var scores = qh.matmul(kh.transpose(1, 2)) / Math.Sqrt(hd);
            outputs.Add(scores.softmax(-1).matmul(vh));
        }
        var merged = cat(outputs, -1);
        return merged.matmul(proj.weight!.t()) + proj.bias!;
    }

    /// <summary>VPT-deep at one layer: prompts [L, D] concatenated before the tokens; returns the outputs at the tokens.</summary>
    public static Tensor PromptAttention(Tensor x, Linear qkv, Linear proj, long heads, Tensor prompts)
    {
        var b = x.shape[0];
        var l = prompts.shape[0];
        var z = cat(new[] { prompts.unsqueeze(0).expand(b, -1, -1), x }, 1);
        var full = PrefixAttention(z, qkv, proj, heads, null, null);
        return full[TensorIndex.Colon, TensorIndex.Slice(l), TensorIndex.Colon];
    }
}
