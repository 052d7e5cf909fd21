using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Support;

/// <summary>Helpers shared by the numeric tests.</summary>
internal static class Torch
{
    /// <summary>Seeds torch and switches the default dtype until disposed.</summary>
    public static IDisposable Scope(int seed, ScalarType dtype = ScalarType.Float32)
    {
        ResTuning.Native.TorchNatives.Initialize();
        manual_seed(seed);
        var previous = get_default_dtype();
        set_default_dtype(dtype);
        return new Restore(() => set_default_dtype(previous));
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        return (a - b).abs().max().ToDouble();
    }

    /// <summary>True when both tensors have the same shape and bitwise-equal elements.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Clones every named tensor of a module's state dict.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
