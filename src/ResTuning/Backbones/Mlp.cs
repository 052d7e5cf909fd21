namespace ResTuning.Backbones;

/// <summary>The transformer MLP in timm's layout: <c>fc2(GELU(fc1(x)))</c>.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    /// <summary>Creates the MLP.</summary>
    /// <param name="inFeatures">Token width.</param>
    /// <param name="hiddenFeatures">Hidden width.</param>
    /// <param name="name">Module name.</param>
    public Mlp(long inFeatures, long hiddenFeatures, string name = "mlp") : base(name)
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures);
        act = nn.GELU();
        fc2 = nn.Linear(hiddenFeatures, inFeatures);
        register_module("fc1", fc1);
        register_module("act", act);
        register_module("fc2", fc2);
    }

    /// <summary>The first projection (width → hidden).</summary>
    public Linear Fc1 => fc1;

    /// <summary>The second projection (hidden → width).</summary>
    public Linear Fc2 => fc2;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        // The hidden activations are the largest tensors of a block (4× its width): free each once the next exists.
        var hidden = fc1.call(x);
        var activated = act.call(hidden);
        Temporaries.Free(hidden, x, activated);
        var output = fc2.call(activated);
        Temporaries.Free(activated, x, output);
        return output;
    }
}
