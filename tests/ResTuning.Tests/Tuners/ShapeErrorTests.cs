using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>Shape mismatches are exceptions that name the tuner and both shapes, not libtorch crashes.</summary>
public class ShapeErrorTests
{
    [Fact]
    public void Adapter_input_width_mismatch_names_the_tuner_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 80);
        var adapter = new ResAdapter(16, 4, name: "blocks.3.mlp.adapter");
        var error = Assert.Throws<TunerShapeException>(() => adapter.call(randn(2, 5, 12)));
        Assert.Contains("blocks.3.mlp.adapter", error.Message);
        Assert.Contains("[2, 5, 12]", error.Message);
        Assert.Contains("[*, *, 16]", error.Message);
        Assert.Equal(new long[] { 2, 5, 12 }, error.Actual);
    }

    [Fact]
    public void Parallel_output_width_mismatch_names_the_branch_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 81);
        var linear = nn.Linear(8, 6);
        var tuned = new ResParallel(linear, name: "head").Add("adapter", new ResAdapter(8, 2));
        var error = Assert.Throws<TunerShapeException>(() => tuned.call(randn(3, 8)));
        Assert.Contains("head.tuners.adapter", error.Message);
        Assert.Contains("[3, 8]", error.Message);
        Assert.Contains("[3, 6]", error.Message);
    }

    [Fact]
    public void Mismatch_in_a_tuner_on_a_parallel_tap_names_the_tap()
    {
        using var _ = Torch.Scope(seed: 85);
        var linear = nn.Linear(8, 6);
        var input = new ParallelTap(linear, "blocks.3.mlp.fc1").Add("adapter", new ResAdapter(12, 2, 6, name: "adapter"));
        var error = Assert.Throws<TunerShapeException>(() => linear.call(randn(3, 8)));
        Assert.Equal("blocks.3.mlp.fc1", error.Tap);
        Assert.Equal("adapter", error.Where);
        Assert.StartsWith("Tap 'blocks.3.mlp.fc1': adapter: input shape [3, 8] does not match the expected [*, 12].", error.Message, StringComparison.Ordinal);
        input.Detach();

        var other = nn.Linear(8, 6);
        new ParallelTap(other, "head").Add("wide", new ResAdapter(8, 2, 5, name: "wide"));
        var output = Assert.Throws<TunerShapeException>(() => other.call(randn(3, 8)));
        Assert.Equal("head", output.Tap);
        Assert.Contains("output shape [3, 5] does not match the expected [3, 6]", output.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatch_outside_a_parallel_tap_names_no_tap()
    {
        using var _ = Torch.Scope(seed: 86);
        var adapter = new ResAdapter(16, 4, name: "adapter");
        Assert.Null(Assert.Throws<TunerShapeException>(() => adapter.call(randn(2, 12))).Tap);
    }

    [Fact]
    public void Attention_tuner_on_wrong_width_tokens_names_the_tuner()
    {
        using var _ = Torch.Scope(seed: 82);
        var attention = new MultiHeadSelfAttention(16, 2);
        var prefix = new ResPrefix(attention, 4, name: "blocks.0.attn.prefix");
        var error = Assert.Throws<TunerShapeException>(() => prefix.call(randn(2, 3, 8)));
        Assert.Contains("blocks.0.attn.prefix", error.Message);
        Assert.Contains("[2, 3, 8]", error.Message);
    }

    [Fact]
    public void Duplicate_tuner_names_on_one_operator_are_refused()
    {
        using var _ = Torch.Scope(seed: 83);
        var tuned = new ResParallel(nn.Linear(4, 4), name: "fc").Add("lora", new LoRA(4, 4, 2, 2));
        var error = Assert.Throws<ArgumentException>(() => tuned.Add("lora", new LoRA(4, 4, 2, 2)));
        Assert.Contains("already has a tuner named 'lora'", error.Message);
    }

    [Theory]
    [InlineData(0, 4, 0.0)]
    [InlineData(8, 0, 0.0)]
    [InlineData(8, 4, -0.1)]
    [InlineData(8, 4, 1.0)]
    public void Invalid_adapter_parameters_are_refused(long inFeatures, long dim, double dropout)
    {
        using var _ = Torch.Scope(seed: 84);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResAdapter(inFeatures, dim, dropout: dropout));
    }
}
