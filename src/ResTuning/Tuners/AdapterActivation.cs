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
