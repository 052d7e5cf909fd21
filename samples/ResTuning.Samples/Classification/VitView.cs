using System;
using ResTuning.Backbones;
using ResTuning.Operators;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// A <see cref="VisionTransformer"/> seen under its timm names (<c>blocks.{i}.attn.qkv</c>, <c>blocks.{i}.mlp</c>,
/// <c>head</c>) as fields the DSL's source generator can resolve. The generator reads fields and public
/// module-typed properties of the backbone type; the compiled <see cref="VisionTransformer"/> keeps its blocks in a
/// private <c>ModuleList</c> (public only as <c>IReadOnlyList</c>) and <see cref="VitBlock"/> exposes its attention
/// as an untyped <c>Attention</c>, so <c>blocks.*.attn.qkv</c> does not resolve on it. The view holds the very
/// same module objects (hooks installed through it act on the ViT) and registers only the ViT, as <c>vit</c>.
/// </summary>
public sealed class VitView : nn.Module<Tensor, Tensor>
{
    /// <summary>The ViT's blocks, each seen through a <see cref="VitBlockView"/>.</summary>
    public readonly ModuleList<VitBlockView> blocks;

    /// <summary>The ViT's classifier head.</summary>
    public readonly nn.Module<Tensor, Tensor> head;

    /// <summary>Wraps <paramref name="vit"/>.</summary>
    public VitView(VisionTransformer vit) : base("vit_view")
    {
        Vit = vit ?? throw new ArgumentNullException(nameof(vit));
        blocks = new ModuleList<VitBlockView>();
        foreach (var block in vit.Blocks) blocks.Add(new VitBlockView(block));
        head = vit.Head;
        register_module("vit", vit);
    }

    /// <summary>The viewed ViT.</summary>
    public VisionTransformer Vit { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor images) => Vit.call(images);
}

/// <summary>A <see cref="VitBlock"/> with its attention typed as <see cref="MultiHeadSelfAttention"/> (see <see cref="VitView"/>).</summary>
public sealed class VitBlockView : nn.Module<Tensor, Tensor>
{
    private readonly VitBlock block;

    /// <summary>The block's attention.</summary>
    public readonly MultiHeadSelfAttention attn;

    /// <summary>The block's MLP.</summary>
    public readonly Mlp mlp;

    /// <summary>Views <paramref name="block"/>.</summary>
    public VitBlockView(VitBlock block) : base("block_view")
    {
        this.block = block;
        attn = (MultiHeadSelfAttention)block.Attention;
        mlp = (Mlp)block.Mlp;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens) => block.call(tokens);
}
