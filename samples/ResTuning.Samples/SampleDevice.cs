using System;
using ResTuning.Native;
using static TorchSharp.torch;

namespace ResTuning.Samples;

/// <summary>Resolves <c>--device</c>.</summary>
public static class SampleDevice
{
    /// <summary>CPU, or CUDA through TorchSharp's CUDA package or the libtorch named by RESTUNING_LIBTORCH_DIR.</summary>
    public static Device Resolve(string name)
    {
        var cudaAvailable = TorchNatives.Initialize();
        return name switch
        {
            "cpu" => CPU,
            "cuda" when cudaAvailable => CUDA,
            "cuda" => throw new InvalidOperationException($"--device cuda: CUDA is not available. Set {TorchNatives.LibTorchFolderVariable} to a CUDA libtorch folder (e.g. a PyTorch install's torch/lib) and build with -p:ResTuningTorchBackend=external."),
            _ => throw new ArgumentException($"--device '{name}' is not known; use cpu or cuda."),
        };
    }
}
