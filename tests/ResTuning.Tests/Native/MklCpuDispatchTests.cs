using System.IO;
using System.Runtime.InteropServices;
using ResTuning.Native;
using static TorchSharp.torch;

namespace ResTuning.Tests.Native;

/// <summary>The MKL shim: what it answers, where it is loaded, and that MKL's products stay right with it.</summary>
public sealed class MklCpuDispatchTests
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int IntelCpuTrue();

    private static bool LinuxX64 => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [Fact]
    public void The_shim_beside_the_tests_answers_that_the_processor_is_an_Intel_one()
    {
        if (!LinuxX64) return;
        var path = NativeAssets.Find(MklCpuDispatch.ShimFile);
        Assert.NotNull(path);
        var library = NativeLibrary.Load(path!);
        var answer = Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(NativeLibrary.GetExport(library, "mkl_serv_intel_cpu_true"));
        Assert.Equal(1, answer());
    }

    [Fact]
    public void Initialize_loads_it_exactly_where_it_applies()
    {
        TorchNatives.Initialize(null);
        var expected = MklCpuDispatch.Applies(Environment.GetEnvironmentVariable(MklCpuDispatch.Variable), LinuxX64, LinuxX64 && MklCpuDispatch.IsAmdProcessor());
        Assert.Equal(expected, MklCpuDispatch.IsApplied);
        if (OperatingSystem.IsLinux())   // the process's own map of loaded files agrees
            Assert.Equal(expected, File.ReadAllText("/proc/self/maps").Contains(MklCpuDispatch.ShimFile, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, true, true, true)]
    [InlineData("1", true, true, true)]
    [InlineData("0", true, true, false)]
    [InlineData(null, true, false, false)]
    [InlineData(null, false, true, false)]
    public void It_applies_on_Linux_x64_with_an_AMD_processor_unless_switched_off(string? variable, bool linuxX64, bool amd, bool expected) =>
        Assert.Equal(expected, MklCpuDispatch.Applies(variable, linuxX64, amd));

    [Theory]
    [InlineData(1184, 384, 1536)]   // a ViT-S MLP product at the benchmark's shapes
    [InlineData(257, 300, 129)]     // sizes no kernel's blocking divides
    public void Matrix_products_match_a_float64_reference(int m, int k, int n)
    {
        TorchNatives.Initialize(null);
        var generator = new TorchSharp.torch.Generator(11);
        using var a = randn(new long[] { m, k }, generator: generator);
        using var b = randn(new long[] { k, n }, generator: generator);
        using var product = matmul(a, b);
        using var linear = nn.functional.linear(a, b.t().contiguous());
        using var reference = matmul(a.to(ScalarType.Float64), b.to(ScalarType.Float64));
        var scale = Math.Sqrt(k);   // each entry sums k products of unit normals
        Assert.True((product.to(ScalarType.Float64) - reference).abs().max().item<double>() / scale < 1e-5);
        Assert.True((linear.to(ScalarType.Float64) - reference).abs().max().item<double>() / scale < 1e-5);
    }
}
