using ResTuning.Bypass;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

public class MultiTaskBypassTests
{
    [Fact]
    public void Shared_backbone_outputs_equal_each_task_run_alone_with_one_backbone_pass()
    {
        using var _ = Torch.Scope(seed: 40);
        var vit = BypassFixtures.TinyVit();
        var counters = BypassFixtures.CountBlocks(vit);
        var source = new VitTapSource(vit);
        var tasks = Enumerable.Range(0, 3).Select(i => new ResTuningBypass(source, BypassFixtures.RandomAdapterStages(2, 8), new ClassTokenHead(8, 2 + i))).ToList();
        var shared = new MultiTaskBypass(tasks);
        var images = randn(2, 3, 8, 8);

        Tensor[] together;
        using (no_grad()) together = shared.call(images);
        Assert.Equal(1, counters[1].Calls);

        Assert.Equal(3, together.Length);
        for (var i = 0; i < tasks.Count; i++)
        {
            Tensor alone;
            using (no_grad()) alone = tasks[i].call(images);
            Assert.Equal(new long[] { 2, 2 + i }, together[i].shape);
            Assert.True(Torch.Same(alone, together[i]), $"task {i}");
        }
        Assert.Equal(1 + tasks.Count, counters[1].Calls);
    }

    [Fact]
    public void Tasks_on_different_sources_are_rejected()
    {
        using var _ = Torch.Scope(seed: 41);
        var a = new ResTuningBypass(new VitTapSource(BypassFixtures.TinyVit()), BypassFixtures.RandomAdapterStages(2, 8), new ClassTokenHead(8, 2));
        var b = new ResTuningBypass(new VitTapSource(BypassFixtures.TinyVit()), BypassFixtures.RandomAdapterStages(2, 8), new ClassTokenHead(8, 2));

        var error = Assert.Throws<ArgumentException>(() => new MultiTaskBypass(new[] { a, b }));
        Assert.Equal("tasks", error.ParamName);
    }
}
