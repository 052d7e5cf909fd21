using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>With zero-init, a tuned model computes exactly (bitwise) what the frozen backbone computes.</summary>
public class ZeroInitTests
{
    [Fact]
    public void Adapter_on_an_mlp_starts_as_the_backbone()
    {
        using var _ = Torch.Scope(seed: 50);
        var mlp = nn.Sequential(("fc1", nn.Linear(16, 32)), ("act", nn.GELU()), ("fc2", nn.Linear(32, 16)));
        var x = randn(2, 5, 16);
        var before = mlp.call(x).detach().clone();
        var tuned = new ResParallel(mlp).Add("adapter", new ResAdapter(16, 4));
        Assert.True(Torch.Same(tuned.call(x), before));
    }

    [Fact]
    public void LoRA_on_a_linear_starts_as_the_backbone()
    {
        using var _ = Torch.Scope(seed: 51);
        var linear = nn.Linear(16, 24);
        var x = randn(3, 16);
        var before = linear.call(x).detach().clone();
        var tuned = new ResParallel(linear).Add("lora", new LoRA(16, 24, 4, 8), TunerScale.LearnedPerChannel(24));
        Assert.True(Torch.Same(tuned.call(x), before));
    }

    [Fact]
    public void Prefix_with_zero_values_starts_as_the_backbone()
    {
        using var _ = Torch.Scope(seed: 52);
        var attention = new MultiHeadSelfAttention(32, 4);
        var x = randn(2, 6, 32);
        var before = attention.call(x).detach().clone();
        var tuned = new ResParallel(attention).Add("prefix", new ResPrefix(attention, 5), TunerScale.LearnedScalar(1.0));
        Assert.True(Torch.Same(tuned.call(x), before));
    }

    [Fact]
    public void Prompt_with_a_zero_learned_scale_starts_as_the_backbone()
    {
        using var _ = Torch.Scope(seed: 53);
        var attention = new MultiHeadSelfAttention(32, 4);
        var x = randn(2, 6, 32);
        var before = attention.call(x).detach().clone();
        var tuned = new ResParallel(attention).Add("prompt", new ResPrompt(attention, 5), TunerScale.LearnedScalar(0.0));
        Assert.True(Torch.Same(tuned.call(x), before));
    }

    [Fact]
    public void Several_tuners_on_one_operator_start_as_the_backbone_and_add_up_afterwards()
    {
        using var _ = Torch.Scope(seed: 54);
        var linear = nn.Linear(8, 8);
        var adapter = new ResAdapter(8, 3);
        var lora = new LoRA(8, 8, 2, 4);
        var tuned = new ResParallel(linear).Add("adapter", adapter).Add("lora", lora, TunerScale.Fixed(0.5));
        var x = randn(4, 8);
        Assert.True(Torch.Same(tuned.call(x), linear.call(x)));

        using (no_grad())
        {
            adapter.Up.weight!.normal_();
            lora.B.normal_();
        }
        var expected = linear.call(x) + adapter.call(x) + 0.5 * lora.call(x);
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), expected) <= 1e-5);
    }
}
