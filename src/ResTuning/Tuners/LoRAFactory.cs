namespace ResTuning.Tuners;

/// <summary>
/// The LoRA that fits a module known only at run time: a <see cref="LoRA"/> beside a <see cref="Linear"/>, a
/// <see cref="ConvLoRA"/> beside a <see cref="Conv2d"/>. Generated models call it for a <c>[LoRA]</c> tap inside a compiled
/// module type whose children the compiler cannot see (RT0040), e.g. TorchSharp's own model zoo.
/// </summary>
public static class LoRAFactory
{
    /// <summary>Creates the LoRA for <paramref name="module"/>.</summary>
    /// <param name="module">The tapped module.</param>
    /// <param name="tap">The tap path as written (for the message).</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive).</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B (PEFT's default).</param>
    /// <param name="name">Module name.</param>
    /// <returns>The tuner.</returns>
    /// <exception cref="InvalidOperationException">The module is neither a Linear nor a Conv2d; the message names the tap and its type.</exception>
    public static nn.Module<Tensor, Tensor> For(nn.Module module, string tap, long rank, double alpha, double dropout = 0.0, bool zeroInit = true, string name = "lora")
    {
        ArgumentNullException.ThrowIfNull(module);
        return module switch
        {
            Linear linear => new LoRA(linear.in_features, linear.out_features, rank, alpha, dropout, zeroInit, name),
            Conv2d conv => ConvLoRA.For(conv, rank, alpha, dropout, zeroInit, name),
            _ => throw new InvalidOperationException(
                $"Tap '{tap}': LoRA cannot be attached to {module.GetType().Name} ('{module.GetName()}'); it needs a Linear or a Conv2d. Point the tap at one of its linear or convolution layers."),
        };
    }
}
