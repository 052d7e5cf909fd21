namespace ResTuning.Samples.Generation;

/// <summary>
/// Res-Tuning-Bypass on the U-Net's decoder, built by the DSL's generator: the U-Net (two inputs: noisy images and
/// timesteps) is frozen and runs without autograd; the bypass reads the encoder output (x_0, 2C channels at S/4) and the
/// decoder taps <c>up0</c> (2C at S/2) and <c>up1</c> (C at S), moves its state between them with an upsample step
/// (nearest + zero-initialised 3×3 convolution), and its output replaces the input of the output layer in the same pass.
/// Lateral and vertical tuners are residual per-pixel Res-Adapters, so at step 0 the bypass passes the last tap through
/// and the tuned model equals the pretrained one. Widths are for the sample's base width C = 32.
/// </summary>
[ResTuningBypass<DenoisingUNet>(Widths = new[] { 64, 64, 32 })]
[BypassTaps(Start = "encoder", Taps = "up0, up1", Output = "output", Upsample = true)]
[Lateral(BypassTunerKind.Adapter, Dim = 16, Residual = true), Vertical(BypassTunerKind.Adapter, Dim = 16, Residual = true)]
public partial class UNetBypass;
