using ResTuning.Bypass;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

public class TapSourceTests
{
    [Fact]
    public void Vit_taps_equal_the_backbone_stages_and_carry_no_autograd_graph()
    {
        using var _ = Torch.Scope(seed: 10);
        var vit = BypassFixtures.TinyVit();
        var source = new VitTapSource(vit);
        var images = randn(2, 3, 8, 8, requires_grad: true);

        var taps = source.Collect(images, lastTap: 2);

        Assert.Equal(new[] { "embed", "blocks.0", "blocks.1" }, source.TapNames);
        Assert.Equal(3, taps.Count);
        foreach (var tap in taps)
        {
            Assert.False(tap.requires_grad);
            Assert.True(tap.is_leaf);
        }
        using (no_grad())
        {
            var x0 = vit.Embed(images);
            var x1 = vit.Blocks[0].call(x0);
            var x2 = vit.Blocks[1].call(x1);
            Assert.True(Torch.Same(x0, taps[0]));
            Assert.True(Torch.Same(x1, taps[1]));
            Assert.True(Torch.Same(x2, taps[2]));
        }
        Assert.All(vit.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Collect_stops_after_the_last_requested_tap()
    {
        using var _ = Torch.Scope(seed: 11);
        var vit = BypassFixtures.TinyVit();
        var counters = BypassFixtures.CountBlocks(vit);
        var source = new VitTapSource(vit);

        var taps = source.Collect(randn(1, 3, 8, 8), lastTap: 1);

        Assert.Equal(2, taps.Count);
        Assert.Equal(1, counters[0].Calls);
        Assert.Equal(0, counters[1].Calls);
    }

    [Fact]
    public void Selected_blocks_are_tapped_and_bad_selections_are_rejected()
    {
        using var _ = Torch.Scope(seed: 12);
        var vit = BypassFixtures.TinyVit();
        var source = new VitTapSource(vit, new[] { 1 });
        Assert.Equal(new[] { "embed", "blocks.1" }, source.TapNames);
        var images = randn(1, 3, 8, 8);
        using (no_grad())
            Assert.True(Torch.Same(vit.RunBlocks(vit.Embed(images), 0, 2), source.Collect(images, 1)[1]));

        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() => new VitTapSource(vit, new[] { 1, 0 })).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() => new VitTapSource(vit, new[] { 2 })).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Collect(images, 2));
        Assert.Contains("norm", Assert.Throws<ArgumentException>(() => source.Reenter("nope", randn(1, 5, 8))).Message);
    }
}
