using ResTuning.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Training;

/// <summary>LeanAdamW against TorchSharp's own AdamW on the same problem: the same parameters to the bit after several steps.</summary>
public sealed class LeanAdamWTests
{
    public LeanAdamWTests() => ResTuning.Native.TorchNatives.Initialize();

    private static (Linear Model, Tensor X, Tensor Y) Problem(int seed)
    {
        manual_seed(seed);
        var model = nn.Linear(6, 3);
        return (model, randn(16, 6), randn(16, 3));
    }

    private static void Train(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.call(x), y).backward();
            optimizer.step();
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Updates_equal_TorchSharps_AdamW_to_the_bit(double weightDecay)
    {
        var (reference, x, y) = Problem(3);
        var (lean, _, _) = Problem(3);
        Train(reference, optim.AdamW(reference.parameters(), lr: 0.05, weight_decay: weightDecay), x, y, steps: 7);
        Train(lean, new LeanAdamW(lean.parameters(), lr: 0.05, weightDecay: weightDecay), x, y, steps: 7);

        Assert.True(reference.weight!.eq(lean.weight!).all().item<bool>());
        Assert.True(reference.bias!.eq(lean.bias!).all().item<bool>());
        // And it did train: the weights moved from their initial values.
        var (initial, _, _) = Problem(3);
        Assert.False(initial.weight!.eq(lean.weight!).all().item<bool>());
    }

    [Fact]
    public void Parameters_without_gradients_are_left_alone()
    {
        var (model, x, y) = Problem(5);
        model.bias!.requires_grad = false;
        var bias = model.bias.detach().clone();
        Train(model, new LeanAdamW(model.parameters(), lr: 0.1), x, y, steps: 3);
        Assert.True(model.bias.eq(bias).all().item<bool>());
    }
}
