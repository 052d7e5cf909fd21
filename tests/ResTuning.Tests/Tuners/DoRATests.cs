using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>
/// DoRA beside a Linear against the decomposed weight written out by hand: <c>W' = m ⊙ V/‖V‖_c</c>,
/// <c>V = W + (α/r)·B·A</c>, with the norm detached as PEFT does; merging and unmerging; the errors it raises.
/// </summary>
public class DoRATests
{
    private const double Tolerance = 1e-10;

    /// <summary>A Linear 12 → 10 with a DoRA of rank 4, α 8, whose A, B and m are random and non-zero.</summary>
    private static (Linear Linear, DoRA Dora) Random(bool randomize = true)
    {
        var linear = nn.Linear(12, 10);
        var dora = new DoRA(linear, rank: 4, alpha: 8);
        if (randomize)
        {
            using (no_grad())
            {
                dora.A.copy_(randn(4, 12));
                dora.B.copy_(randn(10, 4) * 0.3);
                dora.Magnitude.copy_(rand(10) + 0.5);
            }
        }
        return (linear, dora);
    }

    /// <summary>The decomposed weight by hand, the norm detached: m ⊙ V/‖V‖_c with V = W + s·B·A.</summary>
    private static Tensor HandWeight(Tensor w, Tensor a, Tensor b, Tensor m, double scaling)
    {
        var v = w + (scaling * b.matmul(a));
        var norm = v.detach().pow(2).sum(1).sqrt();
        return (m / norm).reshape(-1, 1) * v;
    }

    [Fact]
    public void Forward_equals_the_linear_with_the_hand_written_decomposed_weight()
    {
        using var _ = Torch.Scope(seed: 41, ScalarType.Float64);
        var (linear, dora) = Random();
        var tuned = new ResParallel(linear).Add("dora", dora);
        var x = randn(3, 5, 12);

        var expected = nn.functional.linear(x, HandWeight(linear.weight!, dora.A, dora.B, dora.Magnitude, 8.0 / 4), linear.bias);
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), expected) <= Tolerance);
        Assert.Equal(2.0, dora.Scaling);
    }

    [Fact]
    public void At_initialisation_it_is_the_linear_and_registers_PEFT_names()
    {
        using var _ = Torch.Scope(seed: 42, ScalarType.Float64);
        var (linear, dora) = Random(randomize: false);
        var tuned = new ResParallel(linear).Add("dora", dora);
        var x = randn(4, 12);

        Assert.True(Torch.Same(tuned.call(x), linear.call(x)));
        Assert.True(Torch.MaxAbsDiff(dora.Magnitude, linear.weight!.pow(2).sum(1).sqrt()) <= 1e-12);
        Assert.Equal(new[] { "lora_A", "lora_B", "lora_magnitude_vector" }, dora.named_parameters().Select(p => p.name).ToArray());
        // r·in + out·r + out; the frozen Linear is not listed again.
        Assert.Equal((4 * 12) + (10 * 4) + 10, dora.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("fixed")]
    [InlineData("channel")]
    public void Merge_equals_unmerged_and_unmerge_restores_the_weight_bit_for_bit(string scale)
    {
        using var _ = Torch.Scope(seed: 43, ScalarType.Float64);
        var (linear, dora) = Random();
        var original = linear.weight!.detach().clone();
        var tuned = new ResParallel(linear).Add("dora", dora, scale == "fixed" ? TunerScale.Fixed(0.7) : TunerScale.LearnedPerChannel(10, 1.3));
        tuned.eval();
        var x = randn(3, 12);

        var unmerged = tuned.call(x).detach().clone();
        Assert.Equal(new[] { "dora" }, tuned.Merge());
        Assert.False(Torch.Same(linear.weight!, original), "merging must change the weight");
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), unmerged) <= Tolerance);
        // Merged: a plain linear, x·W'ᵀ + b.
        Assert.True(Torch.MaxAbsDiff(nn.functional.linear(x, linear.weight!, linear.bias), unmerged) <= Tolerance);

        Assert.Equal(new[] { "dora" }, tuned.Unmerge());
        Assert.True(Torch.Same(linear.weight!, original));
        Assert.True(Torch.Same(tuned.call(x), unmerged));
    }

    [Fact]
    public void A_LoRA_and_a_DoRA_beside_one_linear_merge_exactly()
    {
        using var _ = Torch.Scope(seed: 44, ScalarType.Float64);
        var (linear, dora) = Random();
        var lora = new LoRA(12, 10, rank: 2, alpha: 2, zeroInit: false);
        // The LoRA first: the DoRA's update must still be computed from the unmerged weight.
        var tuned = new ResParallel(linear).Add("lora", lora).Add("dora", dora);
        var x = randn(3, 12);

        var unmerged = tuned.call(x).detach().clone();
        Assert.Equal(new[] { "lora", "dora" }, tuned.Merge());
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), unmerged) <= Tolerance);
        tuned.Unmerge();
        Assert.True(Torch.Same(tuned.call(x), unmerged));
    }

    [Fact]
    public void Gradients_of_m_A_and_B_equal_autograd_of_the_hand_written_formula()
    {
        using var _ = Torch.Scope(seed: 45, ScalarType.Float64);
        var (linear, dora) = Random();
        var tuned = new ResParallel(linear).Add("dora", dora);
        var x = randn(6, 12);
        var upstream = randn(6, 10);

        (tuned.call(x) * upstream).sum().backward();

        var m = dora.Magnitude.detach().clone().requires_grad_();
        var a = dora.A.detach().clone().requires_grad_();
        var b = dora.B.detach().clone().requires_grad_();
        (nn.functional.linear(x, HandWeight(linear.weight!.detach(), a, b, m, dora.Scaling), linear.bias!.detach()) * upstream).sum().backward();

        foreach (var (actual, expected) in new[] { (dora.Magnitude.grad, m.grad), (dora.A.grad, a.grad), (dora.B.grad, b.grad) })
        {
            Assert.NotNull(actual);
            Assert.True(actual!.isfinite().all().item<bool>());
            Assert.True(actual.abs().sum().item<double>() > 0);
            Assert.True(Torch.MaxAbsDiff(actual, expected!) <= Tolerance);
        }
        Assert.Null(linear.weight!.grad);
    }

    [Fact]
    public void A_wrong_input_width_names_the_tuner_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 46, ScalarType.Float64);
        var linear = nn.Linear(12, 10);
        var tuned = new ResParallel(nn.Linear(12, 10), name: "blocks.0.fc");
        var dora = new DoRA(linear, rank: 2, alpha: 2, name: "dora");

        var error = Assert.Throws<TunerShapeException>(() => dora.call(randn(2, 7)));
        Assert.Equal("dora", error.Where);
        Assert.Equal(new long[] { -1, 12 }, error.Expected);
        Assert.Equal(new long[] { 2, 7 }, error.Actual);
        Assert.Contains("[2, 7]", error.Message);

        // Beside another Linear than its own: refused, naming the tap and the DoRA.
        var refused = Assert.Throws<ArgumentException>(() => tuned.Add("dora", dora));
        Assert.Contains("'blocks.0.fc'", refused.Message);
        Assert.Contains("DoRA 'dora'", refused.Message);
    }

    [Fact]
    public void The_factory_refuses_a_module_that_is_not_a_Linear_naming_the_tap()
    {
        using var _ = Torch.Scope(seed: 47);
        var error = Assert.Throws<InvalidOperationException>(() => DoRA.For(nn.Conv2d(3, 4, 3), "stem.conv", rank: 2, alpha: 4));
        Assert.Contains("Tap 'stem.conv'", error.Message);
        Assert.Contains("Conv2d", error.Message);
        Assert.IsType<DoRA>(DoRA.For(nn.Linear(3, 4), "head", rank: 2, alpha: 4));
    }
}
