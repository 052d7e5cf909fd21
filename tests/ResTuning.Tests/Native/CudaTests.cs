using ResTuning.Native;
using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Native;

/// <summary>Runs only with RESTUNING_LIBTORCH_DIR set (a CUDA libtorch, e.g. a PyTorch install).</summary>
public class CudaTests
{
    [CudaFact]
    public void Cuda_libtorch_loads_from_the_folder_and_tuners_match_cpu()
    {
        Assert.True(TorchNatives.Initialize(), "CUDA must be available after loading the external libtorch");
        Assert.NotNull(TorchNatives.LoadedFrom);
        manual_seed(90);
        var attention = new MultiHeadSelfAttention(64, 4);
        var tuned = new ResParallel(attention)
            .Add("prefix", new ResPrefix(attention, 8, zeroInit: false, initStd: 0.5), TunerScale.Lambda())
            .Add("adapter", new ResAdapter(64, 16, zeroInit: false));
        var x = randn(4, 10, 64);
        var cpu = tuned.call(x).detach().clone();
        tuned.to(CUDA);
        var gpu = tuned.call(x.to(CUDA));
        gpu.sum().backward();
        Assert.True(Torch.MaxAbsDiff(gpu.cpu().detach(), cpu) <= 1e-4);
        Assert.Null(attention.Qkv.weight!.grad);
        Assert.NotNull(tuned.Tuner("adapter").parameters().First().grad);
    }
}
