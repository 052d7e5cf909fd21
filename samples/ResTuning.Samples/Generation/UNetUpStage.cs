using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// One decoder stage of the U-Net (a bypass tap): doubles the spatial size (nearest), concatenates the encoder's skip
/// feature <c>Skips[skip]</c> from the <see cref="DenoiserContext"/> and runs a <see cref="ResBlock"/>.
/// </summary>
public sealed class UNetUpStage : nn.Module<Tensor, Tensor>
{
    private readonly DenoiserContext context;
    private readonly int skip;
    private readonly ResBlock block;

    /// <summary>Creates the stage.</summary>
    /// <param name="context">The U-Net's shared state.</param>
    /// <param name="skip">Index of the skip feature it concatenates.</param>
    /// <param name="inChannels">Channels of the input plus those of the skip feature.</param>
    /// <param name="outChannels">Channels out.</param>
    /// <param name="embeddingDim">Width of the timestep embedding.</param>
    /// <param name="name">Module name.</param>
    public UNetUpStage(DenoiserContext context, int skip, long inChannels, long outChannels, long embeddingDim, string name = "up") : base(name)
    {
        this.context = context;
        this.skip = skip;
        block = new ResBlock(context, inChannels, outChannels, embeddingDim);
        register_module("block", block);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var skipped = context.Skips[skip];
        var up = nn.functional.interpolate(x, size: new[] { skipped.shape[2], skipped.shape[3] }, mode: InterpolationMode.Nearest);
        return block.call(cat(new[] { up, skipped }, 1));
    }
}
