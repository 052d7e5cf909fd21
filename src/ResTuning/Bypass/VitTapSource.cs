using ResTuning.Backbones;

namespace ResTuning.Bypass;

/// <summary>
/// Taps of a <see cref="VisionTransformer"/>: <c>x_0</c> = <c>embed</c> (the tokens entering block 0) and
/// <c>x_l</c> = the output of the l-th tapped block (<c>blocks.{i}</c>). Re-entry points: <c>blocks.{i}</c>
/// (the input of block i), <c>norm</c> (the final norm's input) and <c>head</c> (the normalised tokens).
/// </summary>
public sealed class VitTapSource : ChainTapSource
{
    private readonly int[] blocks;

    /// <summary>Taps a ViT.</summary>
    /// <param name="vit">The backbone.</param>
    /// <param name="blocks">Indices of the blocks whose outputs are tapped, ascending; all blocks when omitted.</param>
    /// <param name="freeze">Turn off gradients of every backbone parameter (the default; a bypass trains none of them).</param>
    public VitTapSource(VisionTransformer vit, IEnumerable<int>? blocks = null, bool freeze = true)
    {
        Vit = vit ?? throw new ArgumentNullException(nameof(vit));
        var depth = vit.Blocks.Count;
        this.blocks = (blocks ?? Enumerable.Range(0, depth)).ToArray();
        if (this.blocks.Length == 0) throw new ArgumentException("Tap at least one block.", nameof(blocks));
        for (var i = 0; i < this.blocks.Length; i++)
        {
            if (this.blocks[i] < 0 || this.blocks[i] >= depth)
                throw new ArgumentException($"Block {this.blocks[i]} does not exist; the ViT has blocks 0..{depth - 1}.", nameof(blocks));
            if (i > 0 && this.blocks[i] <= this.blocks[i - 1])
                throw new ArgumentException("Tapped blocks must be strictly ascending, e.g. [3, 7, 11].", nameof(blocks));
        }
        if (freeze)
            foreach (var p in vit.parameters()) p.requires_grad = false;
        SetPoints(new[] { "embed" }.Concat(this.blocks.Select(b => $"blocks.{b}")).ToArray(),
            Enumerable.Range(0, depth).Select(b => $"blocks.{b}").Concat(new[] { "norm", "head" }).ToArray());
    }

    /// <summary>The tapped backbone.</summary>
    public VisionTransformer Vit { get; }

    /// <inheritdoc />
    private protected override void Run(List<Tensor> taps, Tensor input, int lastTap)
    {
        var x = Vit.Embed(input);
        taps.Add(x);
        var next = 0;
        for (var t = 1; t <= lastTap; t++)
        {
            // Run only up to the block that produces the last requested tap: no wasted layers.
            x = Vit.RunBlocks(x, next, blocks[t - 1] + 1);
            next = blocks[t - 1] + 1;
            taps.Add(x);
        }
    }

    /// <inheritdoc />
    public override Tensor Reenter(string point, Tensor features)
    {
        if (point == "head") return Vit.ForwardHead(features);
        if (point == "norm") return Vit.ForwardHead(Vit.Norm.call(features));
        var index = IndexOfReentry(point);
        var tokens = Vit.RunBlocks(features, index, Vit.Blocks.Count);
        return Vit.ForwardHead(Vit.Norm.call(tokens));
    }
}
