using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// PEFT-style LoRA on the fused qkv of a frozen attention: <c>qkv</c> is a <see cref="ResParallel"/> holding the
/// frozen linear and a LoRA branch; the output projection is the attention's own.
/// </summary>
internal sealed class LoRAQkvAttention : nn.Module<Tensor, Tensor>
{
    private readonly ResParallel qkv;
    private readonly nn.Module<Tensor, Tensor> proj;
    private readonly long heads;

    public LoRAQkvAttention(MultiHeadSelfAttention attention, long rank, double alpha) : base("attn")
    {
        heads = attention.NumHeads;
        qkv = new ResParallel(attention.Qkv, name: "qkv").Add("lora", new LoRA(attention.EmbedDim, 3 * attention.EmbedDim, rank, alpha));
        proj = attention.Proj;
        foreach (var p in proj.parameters()) p.requires_grad = false;
        register_module("qkv", qkv);
        register_module("proj", proj);
    }

    public override Tensor forward(Tensor x)
    {
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = qkv.call(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4).unbind(0);
        var y = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        return proj.call(y.transpose(1, 2).reshape(b, n, d));
    }
}
