using System.IO;
using TorchSharp;
using ResTuning.Bypass;
using ResTuning.Caching;
using ResTuning.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Tests.Caching;

public sealed class TapCacheTrainingTests
{
    private const int Steps = 6;
    private const int Batch = 5;

    private static ResTuningBypass NewBypass(ITapSource source) =>
        new(source, BypassStages.Adapters(source.TapNames.Count - 1, CacheFixture.Config.EmbedDim, 8), new ClassTokenHead(CacheFixture.Config.EmbedDim, 4));

    /// <summary>The same shuffled batches for both runs.</summary>
    private static List<long[]> Schedule(long count) =>
        Enumerable.Range(0, Steps).Select(step =>
        {
            var order = Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray();
            new Random(step).Shuffle(order);
            return order.Take(Batch).ToArray();
        }).ToList();

    private static List<double> Train(ResTuningBypass bypass, Tensor labels, List<long[]> schedule, Func<long[], Tensor> logits)
    {
        var optimizer = optim.AdamW(bypass.parameters(), 1e-2);
        var losses = new List<double>();
        foreach (var indices in schedule)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(logits(indices), labels.index_select(0, tensor(indices)));
            loss.backward();
            optimizer.step();
            losses.Add(loss.ToDouble());
        }
        return losses;
    }

    [Fact]
    public void Training_on_a_float32_cache_gives_the_losses_and_weights_of_live_training()
    {
        using var _ = Torch.Scope(11);
        using var f = new CacheFixture();
        using var source = f.HookSource();
        manual_seed(12);
        var live = NewBypass(source);
        var cachedModel = NewBypass(source);
        cachedModel.load_state_dict(Torch.Snapshot(live));
        // Non-zero up projections so every stage learns from the first step.
        using (no_grad())
            foreach (var (name, p) in live.named_parameters().Where(p => p.name.Contains("up")))
            {
                var init = randn_like(p) * 0.1;
                p.copy_(init);
                cachedModel.get_parameter(name)!.copy_(init);
            }
        var schedule = Schedule(f.Count);
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options());

        var liveLosses = Train(live, f.Labels, schedule, idx => live.call(f.Select(idx)));
        var cachedLosses = Train(cachedModel, f.Labels, schedule, idx => cachedModel.Run(cache.Read(idx)));

        Assert.Equal(Steps, cachedLosses.Count);
        for (var s = 0; s < Steps; s++) Assert.True(Math.Abs(liveLosses[s] - cachedLosses[s]) <= 1e-5, $"step {s}: {liveLosses[s]} vs {cachedLosses[s]}");
        Assert.True(liveLosses[^1] < liveLosses[0], "the bypass should learn");
        var trained = cachedModel.state_dict();
        foreach (var (name, weight) in live.state_dict())
            Assert.True(Torch.MaxAbsDiff(weight, trained[name]) <= 1e-5, name);
    }

    [Fact]
    public void Several_task_bypasses_run_on_one_cache_as_the_multi_task_group_runs_live()
    {
        using var _ = Torch.Scope(13);
        using var f = new CacheFixture();
        var source = new VitTapSource(f.Vit);
        var group = new MultiTaskBypass(Enumerable.Range(0, 3).Select(_ => NewBypass(source)));
        using (no_grad())
            foreach (var p in group.parameters()) p.copy_(randn_like(p) * 0.1);
        using var cache = TapCache.Extract(source, f.Inputs, f.Count, f.Options(TapCacheStorage.Memory) with { LastTap = group.LastTap() });

        long[] indices = { 4, 9, 1, 15 };
        var live = group.call(f.Select(indices));
        var cached = group.Run(cache.Read(indices));
        Assert.Equal(3, cached.Length);
        for (var t = 0; t < 3; t++) Assert.True(Torch.MaxAbsDiff(live[t], cached[t]) <= 1e-6, $"task {t}");

        // Each task trains on the shared cache (its own optimizer), without a backbone pass.
        foreach (var task in group.Tasks)
        {
            var losses = Train(task, f.Labels, Schedule(f.Count), idx => task.Run(cache.Read(idx).For(task.LastTap)));
            Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        }
    }
}
