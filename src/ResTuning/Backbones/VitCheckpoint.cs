using System.Globalization;

namespace ResTuning.Backbones;

/// <summary>
/// Reads the shape of a <see cref="VisionTransformer"/> off a checkpoint with timm's names (for example a timm
/// <c>vit_*_patch16_224</c> <c>.safetensors</c>), so a checkpoint can be loaded without knowing its configuration.
/// </summary>
public static class VitCheckpoint
{
    /// <summary>Metadata key under which <see cref="Metadata"/> stores the head count (the weights cannot show it).</summary>
    public const string NumHeadsKey = "num_heads";

    /// <summary>Head width assumed when the metadata names no head count: 64, as in every timm ViT preset.</summary>
    public const int DefaultHeadDim = 64;

    /// <summary>Safetensors metadata that lets <see cref="InferConfig"/> recover <paramref name="config"/> exactly.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(VitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Dictionary<string, string> { [NumHeadsKey] = config.NumHeads.ToString(CultureInfo.InvariantCulture) };
    }

    /// <summary>Infers the configuration of the ViT whose state dict is <paramref name="weights"/>.</summary>
    /// <param name="weights">Tensors by timm name (<c>pos_embed</c>, <c>patch_embed.proj.weight</c>, <c>blocks.{i}.*</c>, ...).</param>
    /// <param name="metadata">Safetensors metadata; its <see cref="NumHeadsKey"/> gives the head count, otherwise width / <see cref="DefaultHeadDim"/>.</param>
    /// <param name="numClasses">Classes of the new model's head (the checkpoint's own head is not part of the shape).</param>
    /// <exception cref="ArgumentException">A tensor the shape is read from is missing or has an unexpected shape; the message names it.</exception>
    public static VitConfig InferConfig(IReadOnlyDictionary<string, Tensor> weights, IReadOnlyDictionary<string, string>? metadata, long numClasses)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var patch = Shape(weights, "patch_embed.proj.weight", rank: 4);          // [D, C, P, P]
        var position = Shape(weights, "pos_embed", rank: 3);                     // [1, N + 1, D]
        var fc1 = Shape(weights, "blocks.0.mlp.fc1.weight", rank: 2);            // [M, D]
        var embedDim = patch[0];
        var grid = (int)Math.Round(Math.Sqrt(position[1] - 1));
        if (grid * grid != position[1] - 1 || position[2] != embedDim)
            throw new ArgumentException($"pos_embed has shape [{string.Join(", ", position)}]: expected [1, grid² + 1, {embedDim}] (a class token and a square patch grid).", nameof(weights));
        var depth = 0;
        while (weights.ContainsKey($"blocks.{depth}.norm1.weight")) depth++;
        long heads;
        if (metadata is not null && metadata.TryGetValue(NumHeadsKey, out var text))
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out heads) || heads <= 0)
                throw new ArgumentException($"Checkpoint metadata '{NumHeadsKey}' is '{text}', not a positive integer.", nameof(metadata));
        }
        else
        {
            if (embedDim % DefaultHeadDim != 0)
                throw new ArgumentException($"The checkpoint names no '{NumHeadsKey}' and its width {embedDim} is not a multiple of {DefaultHeadDim}: give the head count in its metadata.", nameof(metadata));
            heads = embedDim / DefaultHeadDim;
        }
        var qkvBias = weights.ContainsKey("blocks.0.attn.qkv.bias");
        var config = new VitConfig((int)(grid * patch[2]), (int)patch[2], (int)patch[1], embedDim, depth, heads, fc1[0], numClasses, qkvBias);
        config.Validate();
        return config;
    }

    private static long[] Shape(IReadOnlyDictionary<string, Tensor> weights, string name, int rank)
    {
        if (!weights.TryGetValue(name, out var tensor))
            throw new ArgumentException($"The checkpoint has no '{name}': is it a ViT with timm's names?", nameof(weights));
        if (tensor.dim() != rank)
            throw new ArgumentException($"'{name}' has shape [{string.Join(", ", tensor.shape)}], expected {rank} dimensions.", nameof(weights));
        return tensor.shape;
    }
}
