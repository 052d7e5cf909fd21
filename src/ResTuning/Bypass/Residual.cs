namespace ResTuning.Bypass;

/// <summary>
/// <c>x + inner(x)</c>. As a bypass lateral with a zero-initialised tuner inside, it passes the tap through,
/// so a bypass that re-enters the backbone starts as the backbone itself. Submodule: <c>inner</c>.
/// </summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">A module whose output has its input's shape.</param>
    /// <param name="name">Module name.</param>
    public Residual(nn.Module<Tensor, Tensor> inner, string name = "residual") : base(name)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        register_module("inner", inner);
    }

    /// <summary>The wrapped module.</summary>
    public nn.Module<Tensor, Tensor> Inner => inner;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x + inner.call(x);
}
