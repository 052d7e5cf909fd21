using TorchSharp.Utils;

namespace ResTuning.Backbones;

/// <summary>
/// A Vision Transformer whose state-dict names match timm's <c>vit_base_patch16_224</c>:
/// <c>cls_token</c>, <c>pos_embed</c>, <c>patch_embed.proj.*</c>, <c>blocks.{i}.norm1/attn.qkv/attn.proj/norm2/mlp.fc1/mlp.fc2.*</c>,
/// <c>norm.*</c>, <c>head.*</c>. The head reads the class token after the final norm (timm's <c>global_pool='token'</c>).
/// </summary>
/// <remarks>
/// For detached taps the stages are exposed: <see cref="Embed"/> gives the tokens entering block 0 (x_0),
/// <see cref="Blocks"/> the blocks, <see cref="Norm"/> the final norm and <see cref="ForwardHead"/> pooling + head.
/// </remarks>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    private readonly PatchEmbed patch_embed;
    private readonly ModuleList<VitBlock> blocks;
    private readonly LayerNorm norm;
    private readonly nn.Module<Tensor, Tensor> head;
    [ComponentName(Name = "cls_token")]
    private Parameter clsToken;
    [ComponentName(Name = "pos_embed")]
    private Parameter posEmbed;

    /// <summary>Creates a randomly initialised ViT (truncated normal, std 0.02, as timm).</summary>
    /// <param name="config">The shape; validated.</param>
    /// <param name="name">Module name.</param>
    public VisionTransformer(VitConfig config, string name = "vit") : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        patch_embed = new PatchEmbed(config);
        blocks = new ModuleList<VitBlock>();
        for (var i = 0; i < config.Depth; i++) blocks.Add(new VitBlock(config));
        norm = nn.LayerNorm(config.EmbedDim, config.LayerNormEps);
        head = config.NumClasses > 0 ? nn.Linear(config.EmbedDim, config.NumClasses) : nn.Identity();

        clsToken = nn.Parameter(zeros(1, 1, config.EmbedDim));
        posEmbed = nn.Parameter(zeros(1, config.NumTokens, config.EmbedDim));
        using (no_grad())
        {
            TruncatedNormal.Fill(posEmbed, std: 0.02);
            nn.init.normal_(clsToken, std: 1e-6);
            foreach (var (paramName, p) in ((nn.Module)patch_embed).named_parameters()) InitLinearLike(paramName, p);
            foreach (var block in blocks)
                foreach (var (paramName, p) in block.named_parameters())
                    if (!paramName.StartsWith("norm", StringComparison.Ordinal)) InitLinearLike(paramName, p);
            if (head is Linear linear) { TruncatedNormal.Fill(linear.weight!, std: 0.02); nn.init.zeros_(linear.bias!); }
        }

        register_parameter("cls_token", clsToken);
        register_parameter("pos_embed", posEmbed);
        register_module("patch_embed", patch_embed);
        register_module("blocks", blocks);
        register_module("norm", norm);
        register_module("head", head);
    }

    /// <summary>The shape this model was built with.</summary>
    public VitConfig Config { get; }

    /// <summary>The patch embedding.</summary>
    public PatchEmbed PatchEmbed => patch_embed;

    /// <summary>The transformer blocks, in order (registered as <c>blocks</c>; DSL tap paths such as <c>blocks.*.mlp</c> go through it).</summary>
    public ModuleList<VitBlock> Blocks => blocks;

    /// <summary>The final LayerNorm.</summary>
    public LayerNorm Norm => norm;

    /// <summary>The classifier (a Linear, or Identity when <see cref="VitConfig.NumClasses"/> is 0).</summary>
    public nn.Module<Tensor, Tensor> Head => head;

    /// <summary>The learned class token <c>[1, 1, D]</c>.</summary>
    public Parameter ClsToken => clsToken;

    /// <summary>The learned position embedding <c>[1, N+1, D]</c>.</summary>
    public Parameter PosEmbed => posEmbed;

    /// <summary>Images <c>[B, C, H, W]</c> to the tokens entering block 0, <c>[B, N+1, D]</c>: patches, class token in front, plus position embedding.</summary>
    public Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embed.call(images);
        var cls = clsToken.expand(patches.shape[0], -1, -1);
        return (cat(new[] { cls, patches }, 1) + posEmbed).MoveToOuterDisposeScope();
    }

    /// <summary>Runs blocks <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) on tokens.</summary>
    public Tensor RunBlocks(Tensor tokens, int from, int to)
    {
        if (from < 0 || to > blocks.Count || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"Block range [{from}, {to}) is outside [0, {blocks.Count}].");
        return Temporaries.Chain(Enumerable.Range(from, to - from), tokens, (i, h) => blocks[i].call(h));
    }

    /// <summary>Images to normalised tokens: embed, all blocks, final norm.</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        var embedded = Embed(images);
        var tokens = RunBlocks(embedded, 0, blocks.Count);
        Temporaries.Free(embedded, tokens);
        var features = norm.call(tokens);
        Temporaries.Free(tokens, features);
        return features;
    }

    /// <summary>Normalised tokens to logits: the class token through the head.</summary>
    public Tensor ForwardHead(Tensor features)
    {
        var classToken = features.select(1, 0);
        var logits = head.call(classToken);
        // An identity head returns the class token view itself, which is then the result.
        Temporaries.Free(classToken, logits);
        return logits;
    }

    /// <summary>Images to logits (or pooled features with an identity head).</summary>
    public override Tensor forward(Tensor images)
    {
        var features = ForwardFeatures(images);
        var logits = ForwardHead(features);
        Temporaries.Free(features, logits);
        return logits;
    }

    /// <summary>Reads the class token and position embedding back from TorchSharp's registry once <c>to(...)</c> has replaced them.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        clsToken = ParameterFields.Get(this, "cls_token");
        posEmbed = ParameterFields.Get(this, "pos_embed");
    }

    private static void InitLinearLike(string name, Parameter p)
    {
        if (name.EndsWith("weight", StringComparison.Ordinal)) TruncatedNormal.Fill(p, std: 0.02);
        else nn.init.zeros_(p);
    }
}
