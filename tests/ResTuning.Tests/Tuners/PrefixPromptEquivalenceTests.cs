using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>
/// The paper's identity: prefix/prompt tuning (bound: keys/values concatenated) equals the unbound
/// Res-Prefix/Res-Prompt branch when it is weighted by λ and the frozen branch by (1 - λ).
/// </summary>
public class PrefixPromptEquivalenceTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(1, 1, 1, 4)]
    [InlineData(2, 5, 3, 7)]
    [InlineData(4, 10, 2, 16)]
    [InlineData(8, 3, 5, 9)]
    [InlineData(3, 16, 1, 1)]
    public void ResPrefix_with_lambda_equals_bound_prefix_attention(int heads, int length, int batch, int tokens)
    {
        using var _ = Torch.Scope(seed: 10 + heads + length);
        var attention = new MultiHeadSelfAttention(heads * 8, heads);
        var prefix = new ResPrefix(attention, length, zeroInit: false, initStd: 0.5);
        var tuned = new ResParallel(attention).Add("prefix", prefix, TunerScale.Lambda());
        var x = randn(batch, tokens, heads * 8);

        var unbound = tuned.call(x);
        var bound = BoundReference.PrefixAttention(x, attention.Qkv, attention.Proj, heads, prefix.PrefixKey, prefix.PrefixValue);

        Assert.True(Torch.MaxAbsDiff(unbound, bound) <= Tolerance, $"max |unbound - bound| = {Torch.MaxAbsDiff(unbound, bound)}");
    }

    [Theory]
    [InlineData(1, 1, 2, 5)]
    [InlineData(2, 4, 3, 6)]
    [InlineData(4, 8, 1, 12)]
    [InlineData(6, 12, 2, 3)]
    public void ResPrompt_with_lambda_equals_vpt_deep_prompts_at_one_layer(int heads, int length, int batch, int tokens)
    {
        using var _ = Torch.Scope(seed: 20 + heads + length);
        var attention = new MultiHeadSelfAttention(heads * 8, heads);
        var prompt = new ResPrompt(attention, length, initRange: 1.0);
        var tuned = new ResParallel(attention).Add("prompt", prompt, TunerScale.Lambda());
        var x = randn(batch, tokens, heads * 8);

        var unbound = tuned.call(x);
        var bound = BoundReference.PromptAttention(x, attention.Qkv, attention.Proj, heads, prompt.Prompt);

        Assert.True(Torch.MaxAbsDiff(unbound, bound) <= Tolerance, $"max |unbound - bound| = {Torch.MaxAbsDiff(unbound, bound)}");
    }

    [Fact]
    public void Prefix_and_prompt_on_one_attention_equal_both_concatenated()
    {
        using var _ = Torch.Scope(seed: 31);
        const int heads = 4, d = 32;
        var attention = new MultiHeadSelfAttention(d, heads);
        var prefix = new ResPrefix(attention, 6, zeroInit: false, initStd: 0.5);
        var prompt = new ResPrompt(attention, 3, initRange: 1.0);
        var tuned = new ResParallel(attention)
            .Add("prefix", prefix, TunerScale.Lambda())
            .Add("prompt", prompt, TunerScale.Lambda());
        var x = randn(2, 7, d);

        // Bound: the prompt's keys/values come from the frozen projections of the prompts; both key
        // sets sit in front of the tokens' keys.
        using var noGrad = no_grad();
        var kv = prompt.Prompt.matmul(attention.Qkv.weight![TensorIndex.Slice(d, 3 * d)].t()) + attention.Qkv.bias![TensorIndex.Slice(d, 3 * d)];
        var promptKey = kv[TensorIndex.Colon, TensorIndex.Slice(0, d)];
        var promptValue = kv[TensorIndex.Colon, TensorIndex.Slice(d, 2 * d)];
        var bound = BoundReference.PrefixAttention(x, attention.Qkv, attention.Proj, heads,
            cat(new[] { prefix.PrefixKey, promptKey }, 0), cat(new[] { prefix.PrefixValue, promptValue }, 0));

        Assert.True(Torch.MaxAbsDiff(tuned.call(x), bound) <= Tolerance);
    }

    [Fact]
    public void Attention_without_tuners_matches_hand_written_attention()
    {
        using var _ = Torch.Scope(seed: 32);
        var attention = new MultiHeadSelfAttention(24, 3);
        var x = randn(2, 5, 24);
        var reference = BoundReference.PrefixAttention(x, attention.Qkv, attention.Proj, 3, null, null);
        Assert.True(Torch.MaxAbsDiff(attention.call(x), reference) <= Tolerance);
    }

    [Fact]
    public void Lambda_scale_on_a_non_attention_tuner_is_refused_with_the_names()
    {
        using var _ = Torch.Scope(seed: 33);
        var linear = nn.Linear(8, 8);
        var parallel = new ResParallel(linear, name: "blocks.0.mlp.fc1");
        var error = Assert.Throws<ArgumentException>(() => parallel.Add("adapter", new ResAdapter(8, 4), TunerScale.Lambda()));
        Assert.Contains("blocks.0.mlp.fc1", error.Message);
        Assert.Contains("adapter", error.Message);
    }
}
