using ResTuning.Bypass;
using TorchSharp;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>U-Net-like taps whose spatial size and channel count change between stages.</summary>
public class UpsampleBypassTests
{
    [Fact]
    public void Upsample_stage_starts_at_zero_and_has_the_next_taps_shape()
    {
        using var _ = Torch.Scope(seed: 50);
        var up = new UpsampleStage(4, 2);

        var y = up.Forward(randn(3, 4, 5, 5), 10, 10);

        Assert.Equal(new long[] { 3, 2, 10, 10 }, y.shape);
        Assert.Equal(0.0, y.abs().max().ToDouble());
        Assert.Equal(0.0, up.Conv.weight!.abs().max().ToDouble());
    }

    [Fact]
    public void Upsample_is_nearest_interpolation_then_a_three_by_three_convolution()
    {
        using var _ = Torch.Scope(seed: 51, ScalarType.Float64);
        var up = new UpsampleStage(2, 2);
        // A kernel that copies channel c to channel 1-c at the centre tap: the convolution is a channel swap.
        using (no_grad())
        {
            up.Conv.weight![0, 1, 1, 1] = tensor(1.0);
            up.Conv.weight![1, 0, 1, 1] = tensor(1.0);
        }
        var x = randn(1, 2, 3, 3);

        var y = up.Forward(x, 6, 6);

        var nearest = x.repeat_interleave(2, dim: 2).repeat_interleave(2, dim: 3);
        var expected = nearest.flip(1);
        Assert.True(Torch.MaxAbsDiff(expected, y) < 1e-15);
    }

    private static (SequentialTapSource Source, List<BypassStage> Stages) Decoder(bool zeroUpsample)
    {
        // x0 [B,8,4,4] -> x1 [B,8,4,4] -> x2 [B,4,8,8] -> x3 [B,2,16,16]
        var source = new SequentialTapSource(
            nn.Conv2d(3, 8, 1),
            new (string, nn.Module<Tensor, Tensor>)[]
            {
                ("mid", nn.Conv2d(8, 8, 3, padding: 1)),
                ("up0", nn.Sequential(nn.Upsample(scale_factor: new[] { 2.0, 2.0 }), nn.Conv2d(8, 4, 3, padding: 1))),
                ("up1", nn.Sequential(nn.Upsample(scale_factor: new[] { 2.0, 2.0 }), nn.Conv2d(4, 2, 3, padding: 1))),
            },
            tail: nn.Tanh());
        var stages = new List<BypassStage>
        {
            new(nn.Conv2d(8, 8, 1), nn.Conv2d(8, 8, 1)),
            new(nn.Conv2d(4, 4, 1), nn.Conv2d(4, 4, 1), resize: new UpsampleStage(8, 4, zeroUpsample)),
            new(nn.Conv2d(2, 2, 1), nn.Conv2d(2, 2, 1), resize: new UpsampleStage(4, 2, zeroUpsample)),
        };
        return (source, stages);
    }

    [Fact]
    public void Decoder_bypass_reenters_before_the_tail_with_the_last_taps_shape()
    {
        using var _ = Torch.Scope(seed: 52);
        var (source, stages) = Decoder(zeroUpsample: true);
        var bypass = new ResTuningBypass(source, stages, reenterAt: "tail");
        var input = randn(2, 3, 4, 4);

        var output = bypass.call(input);

        Assert.Equal(new long[] { 2, 2, 16, 16 }, output.shape);
        // With a zero upsample the last state is lateral(x3) + vertical(0): check it against that.
        var x3 = source.Collect(input, 3)[3];
        var expected = (stages[2].Lateral.call(x3) + stages[2].Vertical.call(zeros(2, 2, 16, 16))).tanh();
        Assert.True(Torch.MaxAbsDiff(expected, output) < 1e-5, $"diff {Torch.MaxAbsDiff(expected, output)} {expected.abs().max().ToSingle()} {output.abs().max().ToSingle()}");
    }

    [Fact]
    public void Decoder_bypass_gradients_match_finite_differences()
    {
        using var _ = Torch.Scope(seed: 53, ScalarType.Float64);
        var (source, stages) = Decoder(zeroUpsample: false);
        var bypass = new ResTuningBypass(source, stages);
        var input = randn(1, 3, 4, 4);

        var checkedCount = FiniteDifference.Check(bypass, () => bypass.call(input).sin().sum(), perTensor: 2);

        Assert.True(checkedCount >= 20);
    }

    [Fact]
    public void Taps_of_different_shape_without_an_upsample_raise_a_shape_error_naming_the_tap()
    {
        using var _ = Torch.Scope(seed: 54);
        var (source, stages) = Decoder(zeroUpsample: true);
        stages[1] = new BypassStage(nn.Conv2d(4, 4, 1), nn.Identity());
        var bypass = new ResTuningBypass(source, stages);

        var error = Assert.Throws<TunerShapeException>(() => bypass.call(randn(1, 3, 4, 4)));

        Assert.Equal("up0", error.Where);
        Assert.Contains("[1, 4, 8, 8]", error.Message);
        Assert.Contains("[1, 8, 4, 4]", error.Message);
    }
}
