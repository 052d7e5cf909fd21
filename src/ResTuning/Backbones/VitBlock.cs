using ResTuning.Operators;

namespace ResTuning.Backbones;

/// <summary>
/// A pre-norm transformer block in timm's layout: <c>x + attn(norm1(x))</c>, then <c>x + mlp(norm2(x))</c>.
/// Submodules <c>norm1</c>, <c>attn</c> (<see cref="MultiHeadSelfAttention"/>), <c>norm2</c>, <c>mlp</c> (<see cref="Backbones.Mlp"/>).
/// </summary>
/// <remarks>
/// <see cref="WrapAttention"/> and <see cref="WrapMlp"/> replace the attention or MLP by a module built around
/// it (e.g. a <see cref="Parallel.ResParallel"/> carrying tuners); the replacement is registered under the same name.
/// </remarks>
public sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private nn.Module<Tensor, Tensor> attn;
    private nn.Module<Tensor, Tensor> mlp;

    /// <summary>Creates a block for <paramref name="config"/>.</summary>
    /// <param name="config">The ViT shape.</param>
    /// <param name="name">Module name.</param>
    public VitBlock(VitConfig config, string name = "block") : base(name)
    {
        norm1 = nn.LayerNorm(config.EmbedDim, config.LayerNormEps);
        attn = new MultiHeadSelfAttention(config.EmbedDim, config.NumHeads, config.QkvBias);
        norm2 = nn.LayerNorm(config.EmbedDim, config.LayerNormEps);
        mlp = new Mlp(config.EmbedDim, config.MlpDim);
        register_module("norm1", norm1);
        register_module("attn", attn);
        register_module("norm2", norm2);
        register_module("mlp", mlp);
    }

    /// <summary>LayerNorm before the attention.</summary>
    public LayerNorm Norm1 => norm1;

    /// <summary>LayerNorm before the MLP.</summary>
    public LayerNorm Norm2 => norm2;

    /// <summary>The attention (a <see cref="MultiHeadSelfAttention"/> unless wrapped).</summary>
    public nn.Module<Tensor, Tensor> Attention => attn;

    /// <summary>
    /// The attention as its concrete type (registered as <c>attn</c>), so DSL tap paths such as <c>blocks.*.attn</c>
    /// (Res-Prefix, Res-Prompt) and <c>blocks.*.attn.qkv</c> (LoRA) resolve at compile time.
    /// </summary>
    /// <exception cref="InvalidOperationException">When <see cref="WrapAttention"/> replaced it; use <see cref="Attention"/>.</exception>
    public MultiHeadSelfAttention Attn => attn as MultiHeadSelfAttention
        ?? throw new InvalidOperationException("The attention of this block was replaced with WrapAttention; use the Attention property.");

    /// <summary>The MLP (an <see cref="Backbones.Mlp"/> unless wrapped).</summary>
    public nn.Module<Tensor, Tensor> Mlp => mlp;

    /// <summary>Replaces the attention by <paramref name="wrap"/>(current attention), registered as <c>attn</c>.</summary>
    public void WrapAttention(Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>> wrap) => attn = Replace("attn", attn, wrap);

    /// <summary>Replaces the MLP by <paramref name="wrap"/>(current MLP), registered as <c>mlp</c>.</summary>
    public void WrapMlp(Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>> wrap) => mlp = Replace("mlp", mlp, wrap);

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        // Free this block's temporaries when it returns (autograd keeps what backward needs), so a
        // no-grad pass holds one block's activations at a time instead of the whole network's.
        // Each temporary is also freed as soon as the next exists (see Temporaries), as PyTorch's reference counting would.
        using var scope = NewDisposeScope();
        var normed = norm1.call(x);
        var attended = attn.call(normed);
        Temporaries.Free(normed, x, attended);
        var mid = x + attended;
        Temporaries.Free(attended, x);
        normed = norm2.call(mid);
        var mlpOut = mlp.call(normed);
        Temporaries.Free(normed, mid, mlpOut);
        var output = mid + mlpOut;
        Temporaries.Free(mlpOut, mid);
        Temporaries.Free(mid, x);
        return output.MoveToOuterDisposeScope();
    }

    private nn.Module<Tensor, Tensor> Replace(string slot, nn.Module<Tensor, Tensor> current, Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>> wrap)
    {
        ArgumentNullException.ThrowIfNull(wrap);
        var next = wrap(current) ?? throw new ArgumentException($"The wrapper for '{slot}' returned null; return a module (or the one it was given).", nameof(wrap));
        // A null module removes the registration, so the slot can be registered again under its timm name.
        register_module(slot, null!);
        register_module(slot, next);
        return next;
    }
}
