using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Tests.Backbones;
using ResTuning.Tuners;
using static TorchSharp.torch;

namespace ResTuning.Tests.Bypass;

/// <summary>Counts how often the wrapped module runs (to observe how far the backbone went).</summary>
internal sealed class CountingModule : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> inner;

    public CountingModule(nn.Module<Tensor, Tensor> inner) : base("counting")
    {
        this.inner = inner;
        register_module("inner", inner);
    }

    public int Calls { get; private set; }

    public void Reset() => Calls = 0;

    public override Tensor forward(Tensor x)
    {
        Calls++;
        return inner.call(x);
    }
}

internal static class BypassFixtures
{
    public static VisionTransformer TinyVit(long classes = 5) => new(VisionTransformerTests.TinyConfig with { NumClasses = classes });

    /// <summary>Adapter stages with random (non-zero) up projections so every path carries gradient.</summary>
    public static List<BypassStage> RandomAdapterStages(int count, long width, Func<BypassMix>? mix = null) =>
        Enumerable.Range(0, count).Select(_ => new BypassStage(
            new ResAdapter(width, 4, zeroInit: false, name: "lateral"),
            new ResAdapter(width, 4, zeroInit: false, name: "vertical"),
            mix?.Invoke())).ToList();

    /// <summary>Wraps every block's MLP in a counter and returns the counters.</summary>
    public static List<CountingModule> CountBlocks(VisionTransformer vit)
    {
        var counters = new List<CountingModule>();
        foreach (var block in vit.Blocks)
            block.WrapMlp(m =>
            {
                var c = new CountingModule(m);
                counters.Add(c);
                return c;
            });
        return counters;
    }
}
