using System.IO;
using ResTuning.Checkpoints;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Checkpoints;

public sealed class TunerCheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-ckpt-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    internal static ResParallel Tuned(long rank = 4)
    {
        var linear = nn.Linear(8, 8);
        return new ResParallel(linear, name: "fc")
            .Add("lora", new LoRA(8, 8, rank, 8, zeroInit: false))
            .Add("adapter", new ResAdapter(8, 3, zeroInit: false), TunerScale.LearnedScalar(0.5));
    }

    [Fact]
    public void Saves_only_tuners_and_loads_them_into_a_fresh_model()
    {
        using var _ = Torch.Scope(seed: 110);
        var path = Path.Combine(folder, "tuners.safetensors");
        var source = Tuned();
        TunerCheckpoint.Save(source, path);

        var names = SafeTensorsFile.ReadHeader(path).Entries.Select(e => e.Name).ToList();
        Assert.DoesNotContain("op.weight", names);
        Assert.Contains("tuners.lora.lora_A", names);
        Assert.Contains("scales.adapter.scale", names);

        var target = Tuned();
        var backboneBefore = target.Operator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        TunerCheckpoint.Load(target, path);
        var x = randn(2, 8);
        // Same tuners, different frozen operator: outputs differ only by the operators' difference.
        var expected = source.call(x) - source.Operator.call(x) + target.Operator.call(x);
        Assert.True(Torch.MaxAbsDiff(target.call(x), expected) <= 1e-5);
        foreach (var (name, t) in target.Operator.state_dict()) Assert.True(Torch.Same(t, backboneBefore[name]), name);
    }

    [Fact]
    public void A_mismatched_checkpoint_is_refused_before_any_weight_changes()
    {
        using var _ = Torch.Scope(seed: 111);
        var path = Path.Combine(folder, "rank4.safetensors");
        TunerCheckpoint.Save(Tuned(rank: 4), path);
        var target = Tuned(rank: 6);
        var before = Torch.Snapshot(target);

        var error = Assert.Throws<CheckpointException>(() => TunerCheckpoint.Load(target, path));
        Assert.Contains("tuners.lora.lora_A: checkpoint [4, 8] vs module [6, 8]", error.Message);
        Assert.Contains("tuners.lora.lora_B", error.Message);
        foreach (var (name, t) in target.state_dict()) Assert.True(Torch.Same(t, before[name]), $"{name} changed");
    }

    [Fact]
    public void Missing_and_unexpected_names_are_listed()
    {
        using var _ = Torch.Scope(seed: 112);
        var path = Path.Combine(folder, "other.safetensors");
        var other = new ResParallel(nn.Linear(8, 8)).Add("lora", new LoRA(8, 8, 4, 8)).Add("extra", new ResAdapter(8, 2));
        TunerCheckpoint.Save(other, path);
        var target = Tuned();
        var before = Torch.Snapshot(target);
        var error = Assert.Throws<CheckpointException>(() => TunerCheckpoint.Load(target, path));
        Assert.Contains("missing: tuners.adapter.down.weight", error.Message);
        Assert.Contains("unexpected: tuners.extra.down.bias", error.Message);
        foreach (var (name, t) in target.state_dict()) Assert.True(Torch.Same(t, before[name]), $"{name} changed");
    }

    [Fact]
    public void A_corrupt_file_is_refused_before_any_weight_changes()
    {
        using var _ = Torch.Scope(seed: 113);
        var path = Path.Combine(folder, "corrupt.safetensors");
        TunerCheckpoint.Save(Tuned(), path);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var target = Tuned();
        var before = Torch.Snapshot(target);
        Assert.Throws<CheckpointException>(() => TunerCheckpoint.Load(target, path));
        foreach (var (name, t) in target.state_dict()) Assert.True(Torch.Same(t, before[name]), $"{name} changed");
    }
}
