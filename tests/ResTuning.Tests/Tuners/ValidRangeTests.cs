using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>The valid ranges the generator's RT0008 and the runtime's guards share: their bounds, and the guards' words.</summary>
public class ValidRangeTests
{
    [Theory]
    [InlineData(1e-9, true)]
    [InlineData(1.0, true)]
    [InlineData(double.PositiveInfinity, true)]
    [InlineData(0.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(double.NaN, false)]
    public void Positive_excludes_zero_and_NaN(double value, bool valid) => Assert.Equal(valid, ValidRange.Positive.Contains(value));

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.999, true)]
    [InlineData(1.0, false)]
    [InlineData(-0.001, false)]
    [InlineData(double.NaN, false)]
    public void Dropout_is_half_open(double value, bool valid) => Assert.Equal(valid, ValidRange.Dropout.Contains(value));

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(1.0, true)]
    [InlineData(1.0001, false)]
    [InlineData(-0.0001, false)]
    public void Unit_interval_is_closed(double value, bool valid) => Assert.Equal(valid, ValidRange.UnitInterval.Contains(value));

    [Fact]
    public void Runtime_guards_say_the_range_in_the_generators_words()
    {
        var rank = Assert.Throws<ArgumentOutOfRangeException>(() => new LoRA(4, 4, rank: 0, alpha: 1));
        Assert.Equal("rank", rank.ParamName);
        Assert.StartsWith("LoRA rank must be " + ValidRange.Positive.Text + ".", rank.Message);
        var dropout = Assert.Throws<ArgumentOutOfRangeException>(() => new ResAdapter(4, 2, dropout: 1.0));
        Assert.StartsWith("Dropout must be in [0, 1).", dropout.Message);
        var alpha = Assert.Throws<ArgumentOutOfRangeException>(() => ConvLoRA.For(nn.Conv2d(2, 2, 3), rank: 2, alpha: double.NaN));
        Assert.StartsWith("LoRA alpha must be positive.", alpha.Message);
    }
}
