namespace ResTuning;

/// <summary>
/// The <c>requires_grad</c> of every parameter of a module, recorded before something freezes it and given back later
/// (a parallel model freezes its backbone, a bypass's tap source freezes it). Recorded by name: moving a module to a
/// device replaces its parameter objects.
/// </summary>
internal sealed class GradientFlags
{
    private readonly nn.Module module;
    private readonly Dictionary<string, bool> requiresGrad;

    private GradientFlags(nn.Module module)
    {
        this.module = module;
        requiresGrad = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad, StringComparer.Ordinal);
    }

    /// <summary>Records the flags of <paramref name="module"/> as they are now.</summary>
    public static GradientFlags Record(nn.Module module) => new(module);

    /// <summary>Sets every parameter's <c>requires_grad</c> back to the recorded value.</summary>
    public void Restore()
    {
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (requiresGrad.TryGetValue(name, out var value)) parameter.requires_grad = value;
        }
    }
}
