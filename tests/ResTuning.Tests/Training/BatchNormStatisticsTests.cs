using ResTuning.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Training;

/// <summary>BatchNormStatistics against statistics computed by hand from the layer's inputs.</summary>
public sealed class BatchNormStatisticsTests
{
    public BatchNormStatisticsTests() => ResTuning.Native.TorchNatives.Initialize();

    private static (Sequential Net, Conv2d Conv, BatchNorm2d Norm, Dropout Drop) Network()
    {
        manual_seed(3);
        var conv = nn.Conv2d(3, 4, 3, padding: 1);
        var norm = nn.BatchNorm2d(4, momentum: 0.1);
        var drop = nn.Dropout(0.5);
        return (nn.Sequential(("conv", conv), ("bn", norm), ("drop", drop)), conv, norm, drop);
    }

    [Fact]
    public void Running_statistics_are_the_average_of_each_batchs_statistics_and_nothing_else_changes()
    {
        var (net, conv, norm, drop) = Network();
        net.train();
        drop.eval();
        var batches = new[] { randn(5, 3, 6, 6) * 2 + 1, randn(5, 3, 6, 6) - 3 };
        var weight = conv.weight!.clone();
        var gamma = norm.weight!.clone();

        // By hand: the conv's output per batch, its per-channel mean and unbiased variance, averaged over the batches.
        Tensor expectedMean, expectedVar;
        using (no_grad())
        {
            var outputs = batches.Select(b => conv.call(b)).ToArray();
            expectedMean = stack(outputs.Select(o => o.mean(new long[] { 0, 2, 3 })).ToArray()).mean(new long[] { 0 });
            expectedVar = stack(outputs.Select(o => o.var(new long[] { 0, 2, 3 }, unbiased: true)).ToArray()).mean(new long[] { 0 });
        }

        Assert.Equal(1, BatchNormStatistics.Update(net, batches));

        Assert.True(allclose(norm.running_mean!, expectedMean, rtol: 1e-5, atol: 1e-6), "running mean");
        Assert.True(allclose(norm.running_var!, expectedVar, rtol: 1e-5, atol: 1e-6), "running variance");
        Assert.Equal(2, norm.num_batches_tracked!.item<long>());
        Assert.True(eq(conv.weight!, weight).all().item<bool>());
        Assert.True(eq(norm.weight!, gamma).all().item<bool>());
        Assert.Equal(0.1, norm.momentum!.Value, 12);
        Assert.True(net.training);
        Assert.True(norm.training);
        Assert.False(drop.training);
    }

    [Fact]
    public void Dropout_is_off_while_the_statistics_are_estimated()
    {
        // With dropout active the estimate would depend on the dropout mask: two updates would differ.
        var (net, _, norm, _) = Network();
        net.train();
        var batches = new[] { randn(4, 3, 5, 5) };
        var withDropout = nn.Sequential(("bn_first", nn.BatchNorm2d(3)), ("drop", nn.Dropout(0.5)), ("net", net));
        BatchNormStatistics.Update(withDropout, batches);
        var first = norm.running_mean!.clone();
        BatchNormStatistics.Update(withDropout, batches);
        Assert.True(eq(norm.running_mean!, first).all().item<bool>());
    }

    [Fact]
    public void No_batches_is_refused_and_the_statistics_stay_as_they_were()
    {
        var (net, _, norm, _) = Network();
        BatchNormStatistics.Update(net, new[] { randn(4, 3, 5, 5) });
        var mean = norm.running_mean!.clone();
        var variance = norm.running_var!.clone();

        var error = Assert.Throws<ArgumentException>(() => BatchNormStatistics.Update(net, Array.Empty<Tensor>()));
        Assert.Contains("No batches", error.Message);
        Assert.True(eq(norm.running_mean!, mean).all().item<bool>());
        Assert.True(eq(norm.running_var!, variance).all().item<bool>());
        Assert.Equal(1, norm.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void A_network_without_batch_norm_is_left_alone()
    {
        var net = nn.Sequential(("fc", nn.Linear(3, 2)));
        Assert.Equal(0, BatchNormStatistics.Update(net, new[] { randn(2, 3) }));
    }
}
