namespace ResTuning.Tests.Support;

/// <summary>A fact that runs only when <c>RESTUNING_LIBTORCH_DIR</c> names a CUDA libtorch folder.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ResTuning.Native.TorchNatives.LibTorchFolderVariable)))
            Skip = $"set {ResTuning.Native.TorchNatives.LibTorchFolderVariable} to a CUDA libtorch folder to run CUDA tests";
    }
}
