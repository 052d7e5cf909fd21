namespace ResTuning.Tuners;

/// <summary>The module of each <see cref="AdapterActivationKind"/> (the attributes' enum, which the runtime shares), shared by the adapters over tokens and over feature maps.</summary>
internal static class AdapterActivations
{
    public static nn.Module<Tensor, Tensor> Create(AdapterActivationKind activation) => activation switch
    {
        AdapterActivationKind.Gelu => nn.GELU(),
        AdapterActivationKind.Relu => nn.ReLU(),
        AdapterActivationKind.Silu => nn.SiLU(),
        _ => nn.Identity(),
    };
}
