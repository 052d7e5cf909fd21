using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>
/// A ViT forward written from the definitions with raw tensor ops over a state dict (patches by reshape,
/// LayerNorm by mean/variance, per-head softmax attention, erf GELU): independent of the library's modules.
/// </summary>
internal static class ReferenceVit
{
    public static Tensor Forward(Dictionary<string, Tensor> sd, Tensor images, int depth, long heads, int patch, double eps)
    {
        var (b, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        var gh = h / patch;
        var gw = w / patch;
        var pw = sd["patch_embed.proj.weight"];
        var d = pw.shape[0];
        var patches = images.reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(b, gh * gw, c * patch * patch);
        var tokens = patches.matmul(pw.reshape(d, -1).t()) + sd["patch_embed.proj.bias"];
        var x = cat(new[] { sd["cls_token"].expand(b, -1, -1), tokens }, 1) + sd["pos_embed"];
        for (var i = 0; i < depth; i++)
        {
            var p = $"blocks.{i}.";
            var a = LayerNorm(x, sd[p + "norm1.weight"], sd[p + "norm1.bias"], eps);
            x = x + Attention(a, sd[p + "attn.qkv.weight"], sd[p + "attn.qkv.bias"], sd[p + "attn.proj.weight"], sd[p + "attn.proj.bias"], heads);
            var m = LayerNorm(x, sd[p + "norm2.weight"], sd[p + "norm2.bias"], eps);
            var hidden = Gelu(m.matmul(sd[p + "mlp.fc1.weight"].t()) + sd[p + "mlp.fc1.bias"]);
            x = x + hidden.matmul(sd[p + "mlp.fc2.weight"].t()) + sd[p + "mlp.fc2.bias"];
        }
        x = LayerNorm(x, sd["norm.weight"], sd["norm.bias"], eps);
        var cls = x[TensorIndex.Colon, 0, TensorIndex.Colon];
        return cls.matmul(sd["head.weight"].t()) + sd["head.bias"];
    }

    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        var mean = x.mean(new long[] { -1 }, keepdim: true);
        var variance = (x - mean).pow(2).mean(new long[] { -1 }, keepdim: true);
        return (x - mean) / (variance + eps).sqrt() * weight + bias;
    }

    private static Tensor Gelu(Tensor x) => 0.5 * x * (1 + special.erf(x / Math.Sqrt(2)));

    private static Tensor Attention(Tensor x, Tensor qkvW, Tensor qkvB, Tensor projW, Tensor projB, long heads)
    {
        var d = x.shape[2];
        var hd = d / heads;
        var all = x.matmul(qkvW.t()) + qkvB;
        var outputs = new List<Tensor>();
        for (long h = 0; h < heads; h++)
        {
            var q = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(h * hd, (h + 1) * hd)];
            var k = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(d + h * hd, d + (h + 1) * hd)];
            var v = all[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(2 * d + h * hd, 2 * d + (h + 1) * hd)];
            outputs.Add((q.matmul(k.transpose(1, 2)) / Math.Sqrt(hd)).softmax(-1).matmul(v));
        }
        return cat(outputs, -1).matmul(projW.t()) + projB;
    }
}
