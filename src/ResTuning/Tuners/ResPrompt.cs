using ResTuning.Operators;
using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// Res-Prompt: learned prompts P of length L passed through the frozen attention's W_k and W_v:
/// <c>R(x) = Attn(x·W_q, P·W_k, P·W_v)·W_o</c>.
/// </summary>
/// <remarks>
/// With a λ scale this equals VPT-deep at one layer (prompts concatenated to the tokens the
/// attention reads; outputs read at the original tokens). Prompts live in the attention's input
/// space. Keys of a prompt include W_k's bias, so a zero prompt is not a zero tuner: for a tuned model
/// that equals the backbone at step 0, give the prompt a learned scale initialised at 0
/// (<see cref="Parallel.TunerScale.LearnedScalar"/>). Parameter: <c>prompt</c> (<c>[L, D]</c>).
/// </remarks>
public sealed class ResPrompt : AttentionTunerBase
{
    [ComponentName(Name = "prompt")]
    private Parameter prompt;

    /// <summary>Creates a Res-Prompt over <paramref name="attention"/>.</summary>
    /// <param name="attention">The frozen attention (its W_q, W_k, W_v, W_o are used, not trained).</param>
    /// <param name="length">Number of prompts L.</param>
    /// <param name="initRange">Prompts are drawn uniformly from [-initRange, initRange]; defaults to VPT's sqrt(6 / D).</param>
    /// <param name="name">Module name.</param>
    public ResPrompt(IAttentionOperator attention, long length, double? initRange = null, string name = "res_prompt")
        : base(name, attention, length)
    {
        var d = attention.EmbedDim;
        var range = initRange ?? System.Math.Sqrt(6.0 / d);
        prompt = nn.Parameter((rand(length, d) * 2 - 1) * range);
        register_parameter("prompt", prompt);
    }

    /// <summary>Learned prompts <c>[L, D]</c>.</summary>
    public Parameter Prompt => prompt;

    /// <inheritdoc />
    public override (Tensor Key, Tensor Value) KeysValues(long batch)
    {
        var (k, v) = Attention.ProjectKeyValue(prompt.unsqueeze(0));
        return (k.expand(batch, -1, -1, -1), v.expand(batch, -1, -1, -1));
    }

    /// <summary>Reads the prompts back from TorchSharp's registry once <c>to(...)</c> has replaced them.</summary>
    /// <param name="dtype">The new element type, if any.</param>
    /// <param name="device">The new device, if any.</param>
    /// <param name="non_blocking">Whether the copies were asynchronous.</param>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        base._toEpilog(dtype, device, non_blocking);
        prompt = ParameterFields.Get(this, "prompt");
    }
}
