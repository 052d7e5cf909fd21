using ResTuning.Bypass;
using ResTuning.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>Training a bypass leaves the backbone untouched and gives it no gradient.</summary>
public class BypassTrainingTests
{
    [Fact]
    public void Backbone_gets_no_gradient_and_stays_bitwise_identical_through_optimizer_steps()
    {
        using var _ = Torch.Scope(seed: 20);
        var vit = BypassFixtures.TinyVit();
        var backbone = Torch.Snapshot(vit);
        var source = new VitTapSource(vit);
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(2, 8, 4), new ClassTokenHead(8, 3));
        var tunerBefore = Torch.Snapshot(bypass);
        var optimizer = optim.AdamW(bypass.parameters(), 1e-2);
        var images = randn(4, 3, 8, 8);
        var labels = tensor(new long[] { 0, 1, 2, 1 });

        for (var step = 0; step < 3; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(bypass.call(images), labels);
            loss.backward();
            optimizer.step();
        }

        Assert.All(vit.parameters(), p => Assert.Null(p.grad));
        foreach (var (name, before) in backbone) Assert.True(Torch.Same(before, vit.state_dict()[name]), name);
        var changed = bypass.state_dict().Count(kv => !Torch.Same(tunerBefore[kv.Key], kv.Value));
        Assert.True(changed >= 4, $"only {changed} bypass tensors changed");
    }

    [Fact]
    public void Bypass_state_dict_holds_only_the_bypass_and_head()
    {
        using var _ = Torch.Scope(seed: 21);
        var source = new VitTapSource(BypassFixtures.TinyVit());
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(2, 8, 4, mix: () => BypassMix.LearnedLambda()), new ClassTokenHead(8, 3));
        var names = bypass.state_dict().Keys.ToList();

        Assert.All(names, n => Assert.True(n.StartsWith("stages.", StringComparison.Ordinal) || n.StartsWith("head.", StringComparison.Ordinal), n));
        Assert.Contains("stages.0.lateral.down.weight", names);
        Assert.Contains("stages.1.vertical.up.bias", names);
        Assert.Contains("stages.1.mix.lambda", names);
        Assert.Contains("head.fc.weight", names);
    }
}

public class BypassStopsEarlyTests
{
    [Fact]
    public void A_bypass_with_a_head_runs_no_backbone_block_after_its_last_tap()
    {
        using var _ = Torch.Scope(seed: 22);
        var vit = BypassFixtures.TinyVit();
        var counters = BypassFixtures.CountBlocks(vit);
        var bypass = new ResTuningBypass(new VitTapSource(vit, new[] { 0 }), BypassStages.Adapters(1, 8, 4), new ClassTokenHead(8, 3));

        var logits = bypass.call(randn(2, 3, 8, 8));

        Assert.Equal(new long[] { 2, 3 }, logits.shape);
        Assert.Equal(1, counters[0].Calls);
        Assert.Equal(0, counters[1].Calls);
    }
}
