namespace ResTuning.Bypass;

/// <summary>
/// Applies a module over the channels of every pixel: <c>[B, C, H, W]</c> → channels-last → <c>inner</c> → back.
/// Turns a linear-layer tuner such as <see cref="Tuners.ResAdapter"/> into its 1×1-convolution form for feature maps
/// (the runtime's tuners work on the last dimension). Submodule: <c>inner</c>.
/// </summary>
public sealed class PerPixel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> inner;

    /// <summary>Wraps <paramref name="inner"/>, which maps <c>[..., C]</c> to <c>[..., C']</c>.</summary>
    /// <param name="inner">The per-pixel module.</param>
    /// <param name="name">Module name.</param>
    public PerPixel(nn.Module<Tensor, Tensor> inner, string name = "per_pixel") : base(name)
    {
        this.inner = inner ?? throw new System.ArgumentNullException(nameof(inner));
        register_module("inner", inner);
    }

    /// <summary>The wrapped module.</summary>
    public nn.Module<Tensor, Tensor> Inner => inner;

    /// <summary>Applies the wrapped module to every pixel of <c>[B, C, H, W]</c> feature maps.</summary>
    /// <param name="maps">Feature maps <c>[B, C, H, W]</c>.</param>
    /// <returns>Feature maps <c>[B, C', H, W]</c>.</returns>
    /// <exception cref="TunerShapeException">When <paramref name="maps"/> is not 4-D.</exception>
    public override Tensor forward(Tensor maps)
    {
        if (maps.dim() != 4)
            throw new TunerShapeException(GetName(), "input", new long[] { -1, -1, -1, -1 }, maps.shape,
                "A per-pixel tuner reads [batch, channels, height, width] feature maps.");
        return inner.call(maps.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
    }
}
