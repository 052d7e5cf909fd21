using System.Globalization;

namespace ResTuning;

/// <summary>Trainable/total parameter counts of a module, printed in PEFT's words.</summary>
/// <param name="Trainable">Elements of parameters that require gradients.</param>
/// <param name="Total">Elements of all parameters.</param>
public readonly record struct ParameterCounts(long Trainable, long Total)
{
    /// <summary>Counts the parameters of <paramref name="module"/>.</summary>
    public static ParameterCounts Of(nn.Module module)
    {
        long trainable = 0, total = 0;
        foreach (var p in module.parameters())
        {
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return new ParameterCounts(trainable, total);
    }

    /// <summary>Trainable share in percent.</summary>
    public double TrainablePercent => Total == 0 ? 0 : 100.0 * Trainable / Total;

    /// <summary><c>trainable params: X || all params: Y || trainable%: Z</c>, as PEFT prints it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"trainable params: {Trainable:N0} || all params: {Total:N0} || trainable%: {TrainablePercent:F4}");
}
