using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// Applies a module over the channels of every pixel: <c>[B, C, H, W]</c> → channels-last → <c>inner</c> → back.
/// Turns a linear-layer tuner such as <see cref="Tuners.ResAdapter"/> into its 1×1-convolution form for feature maps
/// (the runtime's tuners work on the last dimension). Submodule: <c>inner</c>.
/// </summary>
public sealed class PerPixel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> inner;

    /// <summary>Wraps <paramref name="inner"/>, which maps <c>[..., C]</c> to <c>[..., C']</c>.</summary>
    public PerPixel(nn.Module<Tensor, Tensor> inner, string name = "per_pixel") : base(name)
    {
        this.inner = inner;
        register_module("inner", inner);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor maps) => inner.call(maps.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
}
