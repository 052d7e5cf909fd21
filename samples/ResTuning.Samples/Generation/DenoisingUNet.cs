using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// A small DDPM noise predictor <c>ε(x_t, t)</c> for <c>[B, 3, S, S]</c> images (S a multiple of 4): an
/// <see cref="UNetEncoder"/> (<c>encoder</c>, two downsamplings), two <see cref="UNetUpStage"/>s (<c>up0</c>, <c>up1</c>)
/// with skip connections, and an output layer (<c>output</c>: GroupNorm, SiLU, 3×3 convolution). Every stage reads the
/// timesteps through a shared <see cref="DenoiserContext"/>, so every stage is a single-tensor module a bypass can tap
/// (see <see cref="UNetBypass"/>).
/// </summary>
public sealed class DenoisingUNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly UNetEncoder encoder;
    private readonly UNetUpStage up0;
    private readonly UNetUpStage up1;
    private readonly Sequential output;

    /// <summary>Creates the U-Net with base width <paramref name="channels"/> (a multiple of 8).</summary>
    public DenoisingUNet(long channels = 32, long imageChannels = 3, long embeddingDim = 64, string name = "unet") : base(name)
    {
        Channels = channels;
        encoder = new UNetEncoder(Context, imageChannels, channels, embeddingDim);
        up0 = new UNetUpStage(Context, skip: 1, 4 * channels, 2 * channels, embeddingDim, "up0");
        up1 = new UNetUpStage(Context, skip: 0, 3 * channels, channels, embeddingDim, "up1");
        output = nn.Sequential(("norm", GroupNorms.Create(channels)), ("act", nn.SiLU()), ("conv", nn.Conv2d(channels, imageChannels, 3, padding: 1)));
        register_module("encoder", encoder);
        register_module("up0", up0);
        register_module("up1", up1);
        register_module("output", output);
    }

    /// <summary>The state the stages share; set <see cref="DenoiserContext.Timesteps"/> before running a tap source.</summary>
    public DenoiserContext Context { get; } = new();

    /// <summary>Base width C: the decoder taps have 2C (at S/2) and C (at S) channels, the encoder output 2C (at S/4).</summary>
    public long Channels { get; }

    /// <summary>Predicts the noise in <paramref name="noisy"/> at <paramref name="timesteps"/> <c>[B]</c>.</summary>
    public override Tensor forward(Tensor noisy, Tensor timesteps)
    {
        Context.Timesteps = timesteps;
        return output.call(up1.call(up0.call(encoder.call(noisy))));
    }
}
