using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Onnx;
using ResTuning.Serving.Models;
using static TorchSharp.torch;

namespace ResTuning.Serving.Tests.Support;

/// <summary>
/// The expected logits computed apart from the server: its own copy of the seeded backbone, one task model per checkpoint
/// with its own hooks (the task's own forward, not a group), and the random backbone's input rule written out here.
/// </summary>
public sealed class Reference : IDisposable
{
    private readonly ResNet net;

    public Reference(int seed)
    {
        lock (ServingBackbone.SeededDraws)
        {
            manual_seed(seed);
            net = new ResNet(ImageNetResNet18.Config);
        }
        foreach (var p in net.parameters()) p.requires_grad = false;
        net.eval();
    }

    /// <summary>Logits of the task in <paramref name="checkpoint"/> for a <paramref name="size"/>² RGB image given interleaved.</summary>
    public float[] Logits(string checkpoint, int classes, byte[] rgb, int size)
    {
        TaskBypass model;
        lock (ServingBackbone.SeededDraws)
            model = new TaskBypass(net, new PooledHead(net.FeatureDim, classes));
        using var owned = model;
        model.LoadTuners(checkpoint);
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = tensor(rgb.Select(b => (float)b).ToArray(), new long[] { 1, size, size, 3 }).permute(0, 3, 1, 2);
        return model.forward(image / 255f - 0.5f).data<float>().ToArray();
    }

    /// <summary>Writes a new checkpoint for a task of <paramref name="classes"/> classes: fresh tuners, every tensor nudged by seeded noise.</summary>
    public void WriteCheckpoint(string path, int classes, int seed)
    {
        lock (ServingBackbone.SeededDraws)
        {
            manual_seed(seed);
            using var model = new TaskBypass(net, new PooledHead(net.FeatureDim, classes));
            using (no_grad())
                foreach (var p in model.TrainableParameters()) p.add_(randn_like(p) * 0.05);
            model.SaveTuners(path);
        }
    }

    /// <summary>Logits of the parallel-tuned task (LoRA or Res-Tuning) in <paramref name="checkpoint"/>, on its own copy of the backbone.</summary>
    public float[] ParallelLogits(string checkpoint, TaskKind kind, int classes, byte[] rgb, int size)
    {
        using var own = OwnBackbone(classes);
        using var model = Parallel(kind, own);
        ((ITunedModel)model).LoadTuners(checkpoint);
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = tensor(rgb.Select(b => (float)b).ToArray(), new long[] { 1, size, size, 3 }).permute(0, 3, 1, 2);
        return model.forward(image / 255f - 0.5f).data<float>().ToArray();
    }

    /// <summary>Writes a checkpoint of a parallel-tuned task of <paramref name="classes"/> classes, every tuner nudged by seeded noise.</summary>
    public void WriteParallelCheckpoint(string path, TaskKind kind, int classes, int seed)
    {
        lock (ServingBackbone.SeededDraws)
        {
            manual_seed(seed);
            using var own = OwnBackbone(classes);
            using var model = Parallel(kind, own);
            using (no_grad())
                foreach (var p in ((ITunedModel)model).TrainableParameters()) p.add_(randn_like(p) * 0.05);
            ((ITunedModel)model).SaveTuners(path);
        }
    }

    private ResNet OwnBackbone(int classes)
    {
        ResNet own;
        lock (ServingBackbone.SeededDraws) own = new ResNet(ImageNetResNet18.Config with { Classes = classes });
        using var _ = no_grad();
        var target = own.state_dict();
        foreach (var (name, value) in net.state_dict())
            if (!name.StartsWith("fc.", StringComparison.Ordinal)) target[name].copy_(value);
        return own;
    }

    private static nn.Module<Tensor, Tensor> Parallel(TaskKind kind, ResNet own) =>
        kind == TaskKind.LoRA ? new TaskLoRA(own) : new TaskResTuning(own);

    public void Dispose() => net.Dispose();
}
