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

    public void Dispose() => net.Dispose();
}
