using System.IO;
using System.Runtime.InteropServices;

namespace ResTuning.Native;

/// <summary>
/// Lets the Intel MKL inside libtorch (TorchSharp-cpu's, or a PyTorch install's) run its AVX2 and AVX-512 matrix kernels
/// on AMD processors. MKL asks whether the processor is an Intel one and, where it is not, runs a generic path: on the
/// project's 2-core AMD EPYC (Zen 5, AVX-512) a ViT-S MLP product ran at 160 GFLOPS that way against 360 with the
/// processor's own kernels (2026-12-07), and Debian's PyTorch, whose OpenBLAS has no such check, reached 320.
/// <see cref="TorchNatives.Initialize"/> calls <see cref="PreferProcessorKernels"/> first.
/// </summary>
/// <remarks>
/// The answer comes from <c>librestuning_mkl_shim.so</c> (shipped under <c>runtimes/linux-x64/native</c>), whose one
/// function <c>mkl_serv_intel_cpu_true</c> returns 1; loaded with <c>RTLD_GLOBAL</c>, it takes the place of MKL's own
/// wherever the name is resolved from then on (libtorch resolves it lazily, at MKL's first matrix product). MKL still
/// picks kernels by the instruction sets the processor reports, so a processor without AVX-512 gets the AVX2 ones. Only
/// matrix products through MKL change (linear layers, attention's products);
/// convolutions run in oneDNN, which never had the check. Results differ from the generic path's in float rounding only.
/// Where it applies: Linux x64, an AMD processor, the variable <see cref="Variable"/> not <c>0</c>. It must run before
/// MKL's first matrix product in the process.
/// </remarks>
public static class MklCpuDispatch
{
    /// <summary>Set to <c>0</c> to keep MKL's own vendor check (its generic kernels on AMD processors).</summary>
    public const string Variable = "RESTUNING_MKL_PROCESSOR_KERNELS";

    /// <summary>The shim's file name.</summary>
    public const string ShimFile = "librestuning_mkl_shim.so";

    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    private static readonly object Gate = new();
    private static bool? applied;

    /// <summary>Whether the shim is loaded in this process.</summary>
    public static bool IsApplied => applied == true;

    /// <summary>
    /// Loads the shim where it applies (see the remarks on <see cref="MklCpuDispatch"/>); does nothing on other systems and
    /// processors, when <see cref="Variable"/> is <c>0</c>, or when the shim's file is not beside the application.
    /// </summary>
    /// <returns>Whether the shim is loaded.</returns>
    public static bool PreferProcessorKernels()
    {
        lock (Gate)
        {
            applied ??= Load();
            return applied.Value;
        }
    }

    private static bool Load()
    {
        var linuxX64 = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;
        if (!Applies(Environment.GetEnvironmentVariable(Variable), linuxX64, linuxX64 && IsAmdProcessor())) return false;
        var shim = NativeAssets.Find(ShimFile);
        return shim is not null && dlopen(shim, RtldNow | RtldGlobal) != IntPtr.Zero;
    }

    /// <summary>Whether the shim is wanted: Linux x64, an AMD processor, and <see cref="Variable"/> anything but <c>0</c>.</summary>
    internal static bool Applies(string? variable, bool linuxX64, bool amdProcessor) => linuxX64 && amdProcessor && variable != "0";

    /// <summary>Whether <c>/proc/cpuinfo</c> names AMD as the processor's vendor.</summary>
    internal static bool IsAmdProcessor()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("vendor_id", StringComparison.Ordinal) && line.Contains("AuthenticAMD", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}
