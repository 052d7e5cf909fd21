using System.IO;
using System.Runtime.InteropServices;

namespace ResTuning.Native;

/// <summary>
/// Loads TorchSharp's natives, optionally from an existing CUDA libtorch (for example the
/// <c>torch/lib</c> folder of a PyTorch install) named by <see cref="LibTorchFolderVariable"/>.
/// </summary>
/// <remarks>
/// Call <see cref="Initialize"/> once at startup, before the first tensor is created. Without the
/// environment variable it only checks that TorchSharp's own natives load and turns the common
/// failure (Debian 12's libstdc++ lacking GLIBCXX_3.4.32) into a message that names the fix. It also makes libtorch's
/// OpenMP threads sleep when idle instead of spinning (<see cref="OpenMpWaitPolicy"/>) and glibc keep the memory of freed
/// tensors for the next step (<see cref="NativeHeapPolicy"/>) unless the environment says otherwise, and lets libtorch's MKL
/// run the processor's own matrix kernels on AMD processors (<see cref="MklCpuDispatch"/>).
/// </remarks>
public static class TorchNatives
{
    /// <summary>Environment variable naming a folder with a CUDA libtorch, e.g. <c>.../site-packages/torch/lib</c>.</summary>
    public const string LibTorchFolderVariable = "RESTUNING_LIBTORCH_DIR";

    /// <summary>The libraries loaded from the folder, in dependency order.</summary>
    public static IReadOnlyList<string> CudaLibTorchLibraries { get; } =
        new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" };

    private static readonly object Gate = new();
    private static string? loadedFrom;

    /// <summary>The folder libtorch was loaded from, or null when TorchSharp's packaged natives are used.</summary>
    public static string? LoadedFrom => loadedFrom;

    /// <summary>
    /// Initializes TorchSharp: loads a CUDA libtorch from <paramref name="libTorchFolder"/> (or from
    /// <see cref="LibTorchFolderVariable"/> when null) if one is named, then checks that TorchSharp works.
    /// </summary>
    /// <param name="libTorchFolder">A folder holding a CUDA libtorch; null to read the environment variable.</param>
    /// <returns>True when CUDA is available afterwards.</returns>
    /// <exception cref="DirectoryNotFoundException">The named folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder lacks one of <see cref="CudaLibTorchLibraries"/>.</exception>
    /// <exception cref="InvalidOperationException">TorchSharp's natives cannot be loaded; the message names the fix.</exception>
    public static bool Initialize(string? libTorchFolder = null)
    {
        libTorchFolder ??= Environment.GetEnvironmentVariable(LibTorchFolderVariable);
        OpenMpWaitPolicy.PreferPassive();
        NativeHeapPolicy.KeepFreedMemory();
        MklCpuDispatch.PreferProcessorKernels();
        lock (Gate)
        {
            if (!string.IsNullOrWhiteSpace(libTorchFolder) && loadedFrom is null)
            {
                LoadCudaLibTorch(libTorchFolder!);
                loadedFrom = Path.GetFullPath(libTorchFolder!);
            }
        }

        try
        {
            using var probe = ones(1);
            return cuda.is_available();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(DescribeLoadFailure(e), e);
        }
    }

    /// <summary>Checks that <paramref name="folder"/> holds a CUDA libtorch and returns the missing library names (empty when complete).</summary>
    public static IReadOnlyList<string> MissingLibraries(string folder) =>
        CudaLibTorchLibraries.Where(lib => !File.Exists(Path.Combine(folder, lib))).ToArray();

    private static void LoadCudaLibTorch(string folder)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            throw new PlatformNotSupportedException($"{LibTorchFolderVariable} is supported on Linux only; on Windows use the TorchSharp-cuda-windows package.");
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{LibTorchFolderVariable} names '{folder}', which does not exist. Point it at the 'torch/lib' folder of a CUDA PyTorch install (python -c \"import torch, os; print(os.path.dirname(torch.__file__) + '/lib')\").");
        var missing = MissingLibraries(folder);
        if (missing.Count > 0)
            throw new FileNotFoundException($"The libtorch folder '{folder}' (from {LibTorchFolderVariable}) lacks {string.Join(", ", missing)}. It must hold a CUDA build of libtorch: {string.Join(", ", CudaLibTorchLibraries)}.", Path.Combine(folder, missing[0]));

        foreach (var lib in CudaLibTorchLibraries)
            NativeLibrary.Load(Path.Combine(folder, lib));

        var bridge = NativeAssets.Find("libLibTorchSharp.so")
            ?? throw new FileNotFoundException($"libLibTorchSharp.so was not found next to the application ({AppContext.BaseDirectory}) or under its runtimes/ folder. Reference the TorchSharp package (build with -p:ResTuningTorchBackend=external).", "libLibTorchSharp.so");
        NativeLibrary.Load(bridge);
        InitializeDeviceType(TorchSharp.DeviceType.CUDA);
    }


    internal static string DescribeLoadFailure(Exception e)
    {
        var all = string.Join(" | ", Flatten(e).Select(x => x.Message));
        if (all.Contains("GLIBCXX", StringComparison.Ordinal))
            return "TorchSharp's native library needs a libstdc++ with GLIBCXX_3.4.32 (Debian 12 has 3.4.30). Run 'bash build/ensure-native.sh' as root from the repository (it adds Debian trixie pinned low and installs its libstdc++6). Details: " + all;
        return "TorchSharp's native libraries could not be loaded. Reference TorchSharp-cpu (the default), or set " + LibTorchFolderVariable + " to a CUDA libtorch folder. On Debian 12 also run 'bash build/ensure-native.sh' as root. Details: " + all;
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
