using ResTuning.Bypass;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

public class BypassErrorTests
{
    [Fact]
    public void Stage_count_must_match_the_taps()
    {
        using var _ = Torch.Scope(seed: 60);
        var source = new VitTapSource(BypassFixtures.TinyVit());
        var error = Assert.Throws<ArgumentException>(() => new ResTuningBypass(source, BypassStages.Adapters(3, 8, 4), new ClassTokenHead(8, 2)));
        Assert.Equal("stages", error.ParamName);
        Assert.Contains("one stage per tap", error.Message);
    }

    [Fact]
    public void Unknown_reentry_point_lists_the_known_ones()
    {
        using var _ = Torch.Scope(seed: 61);
        var source = new VitTapSource(BypassFixtures.TinyVit());
        var error = Assert.Throws<ArgumentException>(() => new ResTuningBypass(source, BypassStages.Adapters(2, 8, 4), reenterAt: "fc_norm"));
        Assert.Equal("reenterAt", error.ParamName);
        Assert.Contains("norm", error.Message);
        Assert.Contains("blocks.1", error.Message);
    }

    [Fact]
    public void Lateral_built_for_the_wrong_width_names_the_tap_and_both_shapes()
    {
        using var _ = Torch.Scope(seed: 62);
        var source = new VitTapSource(BypassFixtures.TinyVit());
        var stages = BypassStages.Adapters(2, 8, 4).ToList();
        stages[1] = new BypassStage(new ResAdapter(6, 4), new ResAdapter(8, 4));
        var bypass = new ResTuningBypass(source, stages, new ClassTokenHead(8, 2));

        var error = Assert.Throws<TunerShapeException>(() => bypass.call(randn(2, 3, 8, 8)));

        Assert.StartsWith("blocks.1 (lateral", error.Where);
        Assert.Contains("[2, 5, 8]", error.Message);
        Assert.Contains("[*, *, 6]", error.Message);
    }
}
