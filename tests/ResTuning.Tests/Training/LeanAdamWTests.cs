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
    [InlineData(0.0, false)]
    [InlineData(0.05, false)]
    [InlineData(0.0, true)]
    [InlineData(0.05, true)]
    public void Updates_equal_TorchSharps_AdamW_to_the_bit(double weightDecay, bool flatten)
    {
        var (reference, x, y) = Problem(3);
        var (lean, _, _) = Problem(3);
        Train(reference, optim.AdamW(reference.parameters(), lr: 0.05, weight_decay: weightDecay), x, y, steps: 7);
        Train(lean, new LeanAdamW(lean.parameters(), lr: 0.05, weightDecay: weightDecay, flatten: flatten), x, y, steps: 7);

        Assert.True(reference.weight!.eq(lean.weight!).all().item<bool>());
        Assert.True(reference.bias!.eq(lean.bias!).all().item<bool>());
        // And it did train: the weights moved from their initial values.
        var (initial, _, _) = Problem(3);
        Assert.False(initial.weight!.eq(lean.weight!).all().item<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Groups_with_their_own_learning_rates_equal_TorchSharps_AdamW_with_the_same_groups(bool flatten)
    {
        var (reference, x, y) = Problem(4);
        var (lean, _, _) = Problem(4);
        AdamW.ParamGroup[] Groups(Linear m) =>
        [
            new(new[] { m.weight! }, lr: 0.01, weight_decay: 0.05),
            new(new[] { m.bias! }, lr: 0.1, weight_decay: 0.05),
        ];
        Train(reference, optim.AdamW(Groups(reference)), x, y, steps: 7);
        Train(lean, new LeanAdamW(Groups(lean), flatten: flatten), x, y, steps: 7);

        Assert.True(reference.weight!.eq(lean.weight!).all().item<bool>());
        Assert.True(reference.bias!.eq(lean.bias!).all().item<bool>());
        // The groups' rates took effect: one group at the weight's rate ends elsewhere.
        var (single, _, _) = Problem(4);
        Train(single, new LeanAdamW(single.parameters(), lr: 0.01, weightDecay: 0.05, flatten: flatten), x, y, steps: 7);
        Assert.False(single.bias!.eq(lean.bias!).all().item<bool>());
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

    [Fact]
    public void A_flat_group_makes_its_parameters_views_of_one_buffer_and_zeroes_them_in_place()
    {
        var (model, x, y) = Problem(7);
        var optimizer = new LeanAdamW(model.parameters(), lr: 0.05);
        Train(model, optimizer, x, y, steps: 2);

        // After the first step the weight and the bias share one storage, and so do their gradients.
        var weight = model.weight!;
        var bias = model.bias!;
        Assert.Equal(weight.storage<float>().data_ptr(), bias.storage<float>().data_ptr());
        Assert.Equal(weight.numel(), bias.storage_offset());
        Assert.Equal(weight.grad!.storage<float>().data_ptr(), bias.grad!.storage<float>().data_ptr());

        optimizer.zero_grad();
        Assert.Equal(0.0, weight.grad!.abs().sum().item<float>());
        Assert.Equal(0.0, bias.grad!.abs().sum().item<float>());
    }

    [Fact]
    public void A_gradient_rebound_between_steps_is_noticed_and_still_used()
    {
        var (reference, x, y) = Problem(9);
        var (lean, _, _) = Problem(9);
        var referenceOptimizer = optim.AdamW(reference.parameters(), lr: 0.05);
        var leanOptimizer = new LeanAdamW(lean.parameters(), lr: 0.05);
        Train(reference, referenceOptimizer, x, y, steps: 3);
        Train(lean, leanOptimizer, x, y, steps: 3);

        // A user clears one gradient the PyTorch way: backward then allocates a fresh one outside the flat buffer, which a
        // flat update alone would never read.
        reference.zero_grad();
        leanOptimizer.zero_grad();
        lean.weight!.grad = null;
        nn.functional.mse_loss(reference.call(x), y).backward();
        nn.functional.mse_loss(lean.call(x), y).backward();
        referenceOptimizer.step();
        leanOptimizer.step();
        Train(reference, referenceOptimizer, x, y, steps: 3);
        Train(lean, leanOptimizer, x, y, steps: 3);

        Assert.True(reference.weight!.eq(lean.weight!).all().item<bool>());
        Assert.True(reference.bias!.eq(lean.bias!).all().item<bool>());
    }

    [Fact]
    public void Parameters_above_the_mmap_threshold_update_to_the_bit_through_the_kept_buffer()
    {
        // Two parameters larger than glibc's mmap threshold, of different sizes (the kept buffer serves both), and a small one.
        manual_seed(11);
        var large = (int)(ResTuning.Native.NativeHeapPolicy.MmapThresholdBytes / sizeof(float)) + 1000;
        Tensor[] Initial() => new[] { randn(large), randn(large + 5000), randn(7) };
        var start = Initial();
        var reference = start.Select(t => new Parameter(t.clone())).ToArray();
        var lean = start.Select(t => new Parameter(t.clone())).ToArray();
        var referenceOptimizer = optim.AdamW(reference, lr: 0.01, weight_decay: 0.05);
        using var leanOptimizer = new LeanAdamW(lean, lr: 0.01, weightDecay: 0.05);
        for (var step = 0; step < 3; step++)
        {
            var gradients = start.Select(t => randn_like(t)).ToArray();
            for (var i = 0; i < start.Length; i++)
            {
                reference[i].grad = gradients[i].clone();
                lean[i].grad = gradients[i].clone();
            }
            referenceOptimizer.step();
            leanOptimizer.step();
        }

        for (var i = 0; i < start.Length; i++)
        {
            Assert.True(reference[i].eq(lean[i]).all().item<bool>(), $"parameter {i} differs from TorchSharp's AdamW");
            Assert.False(start[i].eq(lean[i]).all().item<bool>(), $"parameter {i} did not train");
        }
    }
}
