using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// A timestep-conditioned residual block: <c>x' = skip(x) + conv(silu(norm(conv(silu(norm(x))) + proj(t))))</c>,
/// reading the timestep embedding from the shared <see cref="DenoiserContext"/>.
/// </summary>
public sealed class ResBlock : nn.Module<Tensor, Tensor>
{
    private readonly DenoiserContext context;
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear time;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> skip;

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/>.</summary>
    public ResBlock(DenoiserContext context, long inChannels, long outChannels, long embeddingDim, string name = "resblock") : base(name)
    {
        this.context = context;
        norm1 = GroupNorms.Create(inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        time = nn.Linear(embeddingDim, outChannels);
        norm2 = GroupNorms.Create(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        skip = inChannels == outChannels ? nn.Identity() : nn.Conv2d(inChannels, outChannels, 1);
        register_module("norm1", norm1);
        register_module("conv1", conv1);
        register_module("time", time);
        register_module("norm2", norm2);
        register_module("conv2", conv2);
        register_module("skip", skip);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var embedding = context.Embedding ?? throw new InvalidOperationException("The timestep embedding is not set: run the U-Net's encoder first.");
        using var scope = NewDisposeScope();
        var h = conv1.call(nn.functional.silu(norm1.call(x)));
        h = h + time.call(embedding).unsqueeze(-1).unsqueeze(-1);
        h = conv2.call(nn.functional.silu(norm2.call(h)));
        return (skip.call(x) + h).MoveToOuterDisposeScope();
    }
}
