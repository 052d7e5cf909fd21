using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>Autograd gradients of every tuner match central finite differences on tiny float64 inputs.</summary>
public class GradientCheckTests
{
    private static void CheckParallel(ResParallel tuned, Tensor x)
    {
        var weights = randn_like(tuned.call(x));
        var count = FiniteDifference.Check(tuned, () => (tuned.call(x) * weights).sum());
        Assert.True(count >= 2);
    }

    [Fact]
    public void ResAdapter_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 70, ScalarType.Float64);
        var linear = nn.Linear(6, 6);
        CheckParallel(new ResParallel(linear).Add("adapter", new ResAdapter(6, 3, zeroInit: false)), randn(2, 3, 6));
    }

    [Fact]
    public void ResAdapter_with_relu_and_other_output_width_gradients_match()
    {
        using var _ = Torch.Scope(seed: 71, ScalarType.Float64);
        var linear = nn.Linear(6, 4);
        CheckParallel(new ResParallel(linear).Add("adapter", new ResAdapter(6, 3, 4, AdapterActivationKind.Silu, zeroInit: false)), randn(3, 6));
    }

    [Fact]
    public void LoRA_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 72, ScalarType.Float64);
        var linear = nn.Linear(5, 7);
        CheckParallel(new ResParallel(linear).Add("lora", new LoRA(5, 7, 2, 3, zeroInit: false), TunerScale.LearnedPerChannel(7, 0.8)), randn(4, 5));
    }

    [Fact]
    public void ResPrefix_lambda_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 73, ScalarType.Float64);
        var attention = new MultiHeadSelfAttention(8, 2);
        CheckParallel(new ResParallel(attention).Add("prefix", new ResPrefix(attention, 3, zeroInit: false, initStd: 0.5), TunerScale.Lambda()), randn(2, 4, 8));
    }

    [Fact]
    public void ResPrefix_with_learned_scale_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 74, ScalarType.Float64);
        var attention = new MultiHeadSelfAttention(8, 2);
        CheckParallel(new ResParallel(attention).Add("prefix", new ResPrefix(attention, 3, zeroInit: false, initStd: 0.5), TunerScale.LearnedScalar(0.5)), randn(2, 4, 8));
    }

    [Fact]
    public void ResPrompt_lambda_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 75, ScalarType.Float64);
        var attention = new MultiHeadSelfAttention(8, 2);
        CheckParallel(new ResParallel(attention).Add("prompt", new ResPrompt(attention, 2), TunerScale.Lambda()), randn(2, 3, 8));
    }

    [Fact]
    public void ResPrompt_with_learned_scale_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 76, ScalarType.Float64);
        var attention = new MultiHeadSelfAttention(8, 4);
        CheckParallel(new ResParallel(attention).Add("prompt", new ResPrompt(attention, 2), TunerScale.LearnedScalar(0.7)), randn(1, 3, 8));
    }
}
