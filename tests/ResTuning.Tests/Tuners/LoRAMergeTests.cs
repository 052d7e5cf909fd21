using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

public class LoRAMergeTests
{
    public static IEnumerable<object[]> Scales() => new[]
    {
        new object[] { "fixed", 1.0 },
        new object[] { "fixed", 0.5 },
        new object[] { "scalar", 0.7 },
        new object[] { "channel", 1.3 },
    };

    private static TunerScale MakeScale(string kind, double value, long channels) => kind switch
    {
        "fixed" => TunerScale.Fixed(value),
        "scalar" => TunerScale.LearnedScalar(value),
        _ => TunerScale.LearnedPerChannel(channels, value),
    };

    [Theory]
    [MemberData(nameof(Scales))]
    public void Merged_equals_unmerged_and_unmerge_restores_the_weight(string kind, double value)
    {
        using var _ = Torch.Scope(seed: 40);
        var linear = nn.Linear(12, 10);
        var original = linear.weight!.detach().clone();
        var lora = new LoRA(12, 10, rank: 4, alpha: 8, zeroInit: false);
        var tuned = new ResParallel(linear).Add("lora", lora, MakeScale(kind, value, 10));
        tuned.eval();
        var x = randn(3, 5, 12);

        var unmerged = tuned.call(x).detach().clone();
        Assert.Equal(new[] { "lora" }, tuned.Merge());
        Assert.False(Torch.Same(linear.weight!, original), "merging must change the weight");
        var merged = tuned.call(x).detach().clone();
        // The merged model is a plain linear: compare with x·Wᵀ + b computed by hand.
        var plain = x.matmul(linear.weight!.t()) + linear.bias!;

        Assert.True(Torch.MaxAbsDiff(merged, unmerged) <= 1e-5);
        Assert.True(Torch.MaxAbsDiff(plain, unmerged) <= 1e-5);
        Assert.Equal(new[] { "lora" }, tuned.Unmerge());
        Assert.True(Torch.MaxAbsDiff(linear.weight!, original) <= 1e-6);
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), unmerged) <= 1e-5);
    }

    [Fact]
    public void LoRA_output_equals_hand_written_low_rank_update()
    {
        using var _ = Torch.Scope(seed: 41);
        var lora = new LoRA(6, 5, rank: 3, alpha: 12, zeroInit: false);
        var x = randn(4, 6);
        var reference = x.matmul(lora.A.t()).matmul(lora.B.t()) * (12.0 / 3.0);
        Assert.True(Torch.MaxAbsDiff(lora.call(x), reference) <= 1e-5);
    }

    [Fact]
    public void Merging_into_a_non_linear_operator_names_the_branch()
    {
        using var _ = Torch.Scope(seed: 42);
        var op = nn.Sequential(nn.Linear(4, 4));
        var tuned = new ResParallel(op, name: "blocks.1.mlp").Add("lora", new LoRA(4, 4, 2, 4));
        var error = Assert.Throws<InvalidOperationException>(() => tuned.Merge());
        Assert.Contains("blocks.1.mlp", error.Message);
        Assert.Contains("lora", error.Message);
    }

    [Theory]
    [InlineData(0, 4.0, 0.0)]
    [InlineData(4, 0.0, 0.0)]
    [InlineData(4, 4.0, 1.0)]
    [InlineData(-1, 4.0, 0.0)]
    public void Invalid_LoRA_parameters_are_refused(long rank, double alpha, double dropout)
    {
        using var _ = Torch.Scope(seed: 43);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoRA(4, 4, rank, alpha, dropout));
    }
}
