using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>LoRA on a frozen Conv2d (PEFT's form): output, zero-init, exact merge/unmerge, gradients, errors.</summary>
public class ConvLoRATests
{
    public static IEnumerable<object[]> Geometries() => new[]
    {
        // kernel, stride, padding, dilation
        new object[] { 3L, 2L, 1L, 1L },
        new object[] { 1L, 1L, 0L, 1L },
        new object[] { 3L, 1L, 2L, 2L },
    };

    private static Conv2d MakeConv(long kernel, long stride, long padding, long dilation) =>
        nn.Conv2d(4, 6, kernel, stride: stride, padding: padding, dilation: dilation);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Output_equals_hand_written_conv2d_reference(long kernel, long stride, long padding, long dilation)
    {
        using var _ = Torch.Scope(seed: 300, ScalarType.Float64);
        var conv = MakeConv(kernel, stride, padding, dilation);
        var lora = ConvLoRA.For(conv, rank: 3, alpha: 6, zeroInit: false);
        Assert.Equal(new long[] { 3, 4, kernel, kernel }, lora.A.shape);
        Assert.Equal(new long[] { 6, 3, 1, 1 }, lora.B.shape);
        Assert.Equal(new[] { "lora_A", "lora_B" }, lora.named_parameters().Select(p => p.name).ToArray());
        var tuned = new ResParallel(conv).Add("lora", lora);
        var x = randn(2, 4, 9, 9);

        var s = new[] { stride, stride };
        var p = new[] { padding, padding };
        var d = new[] { dilation, dilation };
        var frozen = nn.functional.conv2d(x, conv.weight, conv.bias, s, p, d);
        var low = nn.functional.conv2d(x, lora.A.detach(), null, s, p, d);
        var update = nn.functional.conv2d(low, lora.B.detach()) * (6.0 / 3.0);

        Assert.True(Torch.MaxAbsDiff(lora.call(x), update) <= 1e-12);
        Assert.True(Torch.MaxAbsDiff(tuned.call(x), frozen + update) <= 1e-12);
    }

    [Fact]
    public void One_by_one_update_equals_a_per_pixel_matrix_product()
    {
        using var _ = Torch.Scope(seed: 301, ScalarType.Float64);
        var lora = ConvLoRA.For(nn.Conv2d(4, 6, 1), rank: 2, alpha: 5, zeroInit: false);
        var x = randn(2, 4, 5, 3);
        var reference = einsum("or,rc,nchw->nohw", lora.B.detach().view(6, 2), lora.A.detach().view(2, 4), x) * (5.0 / 2.0);
        Assert.True(Torch.MaxAbsDiff(lora.call(x), reference) <= 1e-12);
    }

    [Fact]
    public void Zero_init_starts_as_the_frozen_conv()
    {
        using var _ = Torch.Scope(seed: 302);
        var conv = MakeConv(3, 2, 1, 1);
        var x = randn(2, 4, 8, 8);
        var before = conv.call(x).detach().clone();
        var tuned = new ResParallel(conv).Add("lora", ConvLoRA.For(conv, 4, 8));
        Assert.True(Torch.Same(tuned.call(x), before));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Merged_conv_equals_conv_plus_lora_and_unmerge_restores_the_weight_exactly(long kernel, long stride, long padding, long dilation)
    {
        using var _ = Torch.Scope(seed: 303, ScalarType.Float64);
        var conv = MakeConv(kernel, stride, padding, dilation);
        var original = conv.weight.detach().clone();
        var lora = ConvLoRA.For(conv, rank: 3, alpha: 12, zeroInit: false);
        var x = randn(2, 4, 9, 9);
        var unmerged = (conv.call(x) + lora.call(x)).detach().clone();
        var expectedWeight = lora.MergedWeight(conv.weight).detach().clone();
        // The delta written out: (α/r)·(B.view(out, r) @ A.view(r, -1)).view(W.shape).
        var delta = lora.B.detach().view(6, 3).matmul(lora.A.detach().view(3, -1)).view(original.shape) * (12.0 / 3.0);
        Assert.True(Torch.MaxAbsDiff(expectedWeight, original + delta) <= 1e-12);

        lora.Merge(conv);
        Assert.True(lora.IsMerged);
        Assert.True(Torch.Same(conv.weight, expectedWeight));
        Assert.True(Torch.MaxAbsDiff(conv.call(x), unmerged) <= 1e-10);
        Assert.Throws<InvalidOperationException>(() => lora.call(x));
        Assert.Throws<InvalidOperationException>(() => lora.Merge(conv));

        lora.Unmerge(conv);
        Assert.False(lora.IsMerged);
        Assert.True(Torch.Same(conv.weight, original));
        Assert.True(Torch.Same(conv.call(x) + lora.call(x), unmerged));
        Assert.Throws<InvalidOperationException>(() => lora.Unmerge(conv));
    }

    [Fact]
    public void Gradients_reach_A_and_B_but_not_the_frozen_conv()
    {
        using var _ = Torch.Scope(seed: 304);
        var conv = MakeConv(3, 2, 1, 1);
        var lora = ConvLoRA.For(conv, 2, 4, zeroInit: false);
        var tuned = new ResParallel(conv).Add("lora", lora);
        tuned.call(randn(2, 4, 8, 8)).square().sum().backward();
        Assert.NotNull(lora.A.grad);
        Assert.NotNull(lora.B.grad);
        Assert.True(lora.A.grad!.abs().sum().item<float>() > 0);
        Assert.True(lora.B.grad!.abs().sum().item<float>() > 0);
        Assert.False(conv.weight.requires_grad);
        Assert.Null(conv.weight.grad);
        Assert.Null(conv.bias!.grad);
    }

    [Fact]
    public void Wrong_input_channels_names_the_tuner_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 305);
        var lora = ConvLoRA.For(MakeConv(3, 1, 1, 1), 2, 4, name: "layer1.0.conv1.lora");
        var error = Assert.Throws<TunerShapeException>(() => lora.call(randn(2, 3, 8, 8)));
        Assert.Contains("layer1.0.conv1.lora", error.Message);
        Assert.Contains("[2, 3, 8, 8]", error.Message);
        Assert.Contains("[*, 4, *, *]", error.Message);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, error.Actual);
    }

    [Fact]
    public void Grouped_conv_is_refused_with_a_clear_message()
    {
        using var _ = Torch.Scope(seed: 306);
        var grouped = nn.Conv2d(4, 6, 3, padding: 1, groups: 2);
        var error = Assert.Throws<ArgumentException>(() => ConvLoRA.For(grouped, 2, 4, name: "layer2.conv"));
        Assert.Contains("layer2.conv", error.Message);
        Assert.Contains("groups == 1", error.Message);
        Assert.Contains("groups = 2", error.Message);
        Assert.Contains(grouped.GetName(), error.Message);
        Assert.Equal("conv", error.ParamName);
    }

    [Fact]
    public void Merging_into_a_conv_of_another_shape_names_both_shapes()
    {
        using var _ = Torch.Scope(seed: 307);
        var lora = ConvLoRA.For(MakeConv(3, 1, 1, 1), 2, 4, name: "lora");
        var other = nn.Conv2d(4, 6, 1);
        var error = Assert.Throws<TunerShapeException>(() => lora.Merge(other));
        Assert.Contains("[6, 4, 1, 1]", error.Message);
        Assert.Contains("[6, 4, 3, 3]", error.Message);
        Assert.False(lora.IsMerged);
    }

    [Theory]
    [InlineData(0, 4.0, 0.0, 3, 1, "rank", "LoRA rank must be positive.")]
    [InlineData(2, 0.0, 0.0, 3, 1, "alpha", "LoRA alpha must be positive.")]
    [InlineData(2, 4.0, 1.0, 3, 1, "dropout", "Dropout must be in [0, 1).")]
    [InlineData(2, 4.0, 0.0, 0, 1, "kernelSize", "ConvLoRA kernel size must be positive.")]
    [InlineData(2, 4.0, 0.0, 3, 0, "stride", "ConvLoRA stride must be positive.")]
    public void Invalid_arguments_are_refused(long rank, double alpha, double dropout, long kernel, long stride, string parameter, string message)
    {
        using var _ = Torch.Scope(seed: 308);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLoRA(4, 6, rank, alpha, kernel, stride, dropout: dropout));
        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    /// <summary>Every guarded argument, with the parameter it names and the valid range it says (the generator's words).</summary>
    public static TheoryData<string, string, string, string> GuardCases() => new()
    {
        { "inChannels 0", "inChannels", "ConvLoRA input channels must be " + ValidRange.Positive.Text + ".", "0" },
        { "outChannels -1", "outChannels", "ConvLoRA output channels must be " + ValidRange.Positive.Text + ".", "-1" },
        { "alpha NaN", "alpha", "LoRA alpha must be " + ValidRange.Positive.Text + ".", "NaN" },
        { "dropout -0.1", "dropout", "Dropout must be " + ValidRange.Dropout.Text + ".", "-0.1" },
        { "padding -1", "padding", "ConvLoRA padding must be " + ValidRange.NonNegative.Text + ".", "[-1, -1]" },
        { "dilation 0", "dilation", "ConvLoRA dilation must be " + ValidRange.Positive.Text + ".", "[0, 0]" },
        { "kernel 0", "kernelSize", "ConvLoRA kernel size must be " + ValidRange.Positive.Text + ".", "[0, 0]" },
    };

    [Theory]
    [MemberData(nameof(GuardCases))]
    public void Each_guard_names_its_parameter_and_valid_range(string @case, string parameter, string message, string actual)
    {
        using var _ = Torch.Scope(seed: 308);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => @case switch
        {
            "inChannels 0" => new ConvLoRA(0, 6, 2, 4),
            "outChannels -1" => new ConvLoRA(4, -1, 2, 4),
            "alpha NaN" => new ConvLoRA(4, 6, 2, double.NaN),
            "dropout -0.1" => new ConvLoRA(4, 6, 2, 4, dropout: -0.1),
            "padding -1" => new ConvLoRA(4, 6, 2, 4, kernelSize: 3, padding: -1),
            "dilation 0" => new ConvLoRA(4, 6, 2, 4, kernelSize: 3, dilation: 0),
            _ => new ConvLoRA(4, 6, 2, 4, kernelSize: 0),
        });
        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
        Assert.Equal(actual, Convert.ToString(error.ActualValue, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ResParallel_merges_a_ConvLoRA_into_its_conv_exactly_and_refuses_a_per_channel_scale()
    {
        using var _ = Torch.Scope(seed: 309);
        set_default_dtype(ScalarType.Float64);
        try
        {
            var conv = nn.Conv2d(3, 5, 3, stride: 2, padding: 1);
            var original = conv.weight!.detach().clone();
            var lora = ConvLoRA.For(conv, rank: 2, alpha: 4, zeroInit: false);
            var parallel = new ResParallel(conv).Add("lora", lora, TunerScale.LearnedScalar(0.5));
            var x = randn(2, 3, 8, 8);
            var reference = nn.functional.conv2d(x, original, conv.bias, strides: new[] { 2L, 2L }, padding: new[] { 1L, 1L })
                + 0.5 * nn.functional.conv2d(nn.functional.conv2d(x, lora.A, null, strides: new[] { 2L, 2L }, padding: new[] { 1L, 1L }), lora.B, null) * lora.Scaling;

            Assert.Empty(parallel.UnmergeableTuners);
            Assert.True(allclose(parallel.call(x), reference, rtol: 1e-10, atol: 1e-12));
            Assert.Equal(new[] { "lora" }, parallel.Merge());
            Assert.True(allclose(conv.call(x), reference, rtol: 1e-10, atol: 1e-12));
            parallel.Unmerge();
            Assert.True(conv.weight!.eq(original).all().item<bool>());

            var error = Assert.Throws<ArgumentException>(() => new ResParallel(nn.Conv2d(3, 5, 1)).Add("lora", ConvLoRA.For(nn.Conv2d(3, 5, 1), 2, 4), TunerScale.LearnedPerChannel(5)));
            Assert.Contains("per-channel scale", error.Message);
        }
        finally
        {
            set_default_dtype(ScalarType.Float32);
        }
    }

    [Fact]
    public void Narrow_rank_gradients_in_float32_equal_a_float64_reference()
    {
        // Below 16 output channels A runs padded with zero filters on the CPU (NarrowConvolution: libtorch's kernel for such
        // convolutions sometimes returns NaN input gradients). The padded path must compute the plain convolution's values
        // and gradients, written out here in float64 (another libtorch kernel).
        using var _ = Torch.Scope(seed: 311);
        var lora = ConvLoRA.For(nn.Conv2d(16, 24, 3, padding: 1), rank: 4, alpha: 8, zeroInit: false);
        var x = randn(3, 16, 7, 7).requires_grad_(true);
        var upstream = randn(3, 24, 7, 7);
        var y = lora.call(x);
        var grads = autograd.grad(new List<Tensor> { y }, new List<Tensor> { x, lora.A, lora.B }, new List<Tensor> { upstream });

        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var a64 = lora.A.detach().to(ScalarType.Float64).requires_grad_(true);
        var b64 = lora.B.detach().to(ScalarType.Float64).requires_grad_(true);
        var reference = nn.functional.conv2d(nn.functional.conv2d(x64, a64, null, padding: new[] { 1L, 1L }), b64) * (8.0 / 4.0);
        var expected = autograd.grad(new List<Tensor> { reference }, new List<Tensor> { x64, a64, b64 }, new List<Tensor> { upstream.to(ScalarType.Float64) });

        Assert.Equal(new long[] { 3, 24, 7, 7 }, y.shape);
        Assert.True(Torch.MaxAbsDiff(y.to(ScalarType.Float64), reference) <= 1e-4);
        for (var i = 0; i < 3; i++)
            Assert.True(Torch.MaxAbsDiff(grads[i].to(ScalarType.Float64), expected[i]) <= 1e-3, $"gradient {i}: {Torch.MaxAbsDiff(grads[i].to(ScalarType.Float64), expected[i])}");
    }
}
