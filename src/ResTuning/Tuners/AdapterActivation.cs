using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tuners;

/// <summary>The non-linearity between a Res-Adapter's down and up projections.</summary>
public enum AdapterActivation
{
    /// <summary>Gaussian error linear unit (the default, as in ViT MLPs).</summary>
    Gelu,

    /// <summary>Rectified linear unit (the original adapter paper).</summary>
    Relu,

    /// <summary>Sigmoid-weighted linear unit.</summary>
    Silu,

    /// <summary>No activation: the adapter becomes a low-rank linear map.</summary>
    Identity,
}

/// <summary>The module of each <see cref="AdapterActivation"/>, shared by the adapters over tokens and over feature maps.</summary>
internal static class AdapterActivations
{
    public static nn.Module<Tensor, Tensor> Create(AdapterActivation activation) => activation switch
    {
        AdapterActivation.Gelu => nn.GELU(),
        AdapterActivation.Relu => nn.ReLU(),
        AdapterActivation.Silu => nn.SiLU(),
        _ => nn.Identity(),
    };
}
