using System.Collections.Generic;
using System.Linq;
using ResTuning.Bypass;
using ResTuning.Tuners;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// Res-Tuning-Bypass on the U-Net's decoder: the U-Net is frozen and runs without autograd; the bypass reads the
/// encoder output (x_0) and the decoder taps <c>up0</c>, <c>up1</c>, moves its state between them with an
/// <see cref="UpsampleStage"/> (nearest + zero-initialised 3×3 convolution) and re-enters before the output layer.
/// Lateral and vertical tuners are per-pixel Res-Adapters inside <see cref="Residual"/>, so at step 0 the bypass
/// passes the last tap through and the tuned model equals the pretrained one.
/// </summary>
public sealed class UNetBypass : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly DenoisingUNet unet;
    private readonly ResTuningBypass bypass;

    /// <summary>Freezes <paramref name="unet"/> and builds the bypass with adapter bottleneck <paramref name="hiddenDim"/>.</summary>
    public UNetBypass(DenoisingUNet unet, long hiddenDim = 16) : base("UNetBypass")
    {
        this.unet = unet;
        var c = unet.Channels;
        BypassStage Stage(long inChannels, long outChannels) => new(
            new Residual(new PerPixel(new ResAdapter(outChannels, hiddenDim, name: "lateral"))),
            new Residual(new PerPixel(new ResAdapter(outChannels, hiddenDim, name: "vertical"))),
            upsample: new UpsampleStage(inChannels, outChannels));
        bypass = new ResTuningBypass(unet.TapSource(), new[] { Stage(2 * c, 2 * c), Stage(2 * c, c) }, reenterAt: "tail");
        register_module("backbone", unet);
        register_module("bypass", bypass);
    }

    /// <summary>The trainable parameters (the bypass), for an optimizer.</summary>
    public IEnumerable<Parameter> TrainableParameters() => parameters().Where(p => p.requires_grad);

    /// <summary>Predicts the noise: frozen U-Net taps at <paramref name="timesteps"/>, then the bypass and the output layer.</summary>
    public override Tensor forward(Tensor noisy, Tensor timesteps)
    {
        unet.Context.Timesteps = timesteps;
        return bypass.call(noisy);
    }
}
