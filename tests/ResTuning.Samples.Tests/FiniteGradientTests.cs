using ResTuning.Samples.Classification;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

/// <summary>The trainer's check before a step: any NaN or infinite gradient element, in any parameter, fails it.</summary>
public sealed class FiniteGradientTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void One_bad_element_anywhere_fails_the_check(float bad)
    {
        var parameters = new[] { WithGradient(randn(3, 4)), WithGradient(randn(1000)) };
        Assert.True(Trainer.AllFinite(parameters));
        parameters[1].grad![417] = bad;
        Assert.False(Trainer.AllFinite(parameters));
    }

    [Fact]
    public void Infinities_of_both_signs_do_not_cancel()
    {
        var gradient = zeros(10);
        gradient[2] = float.PositiveInfinity;
        gradient[7] = float.NegativeInfinity;
        Assert.False(Trainer.AllFinite(new[] { WithGradient(gradient) }));
    }

    [Fact]
    public void Parameters_without_gradients_are_ignored() =>
        Assert.True(Trainer.AllFinite(new[] { new Parameter(ones(3)), WithGradient(ones(2)) }));

    private static Parameter WithGradient(Tensor gradient)
    {
        var parameter = new Parameter(zeros_like(gradient));
        parameter.grad = gradient;
        return parameter;
    }
}
