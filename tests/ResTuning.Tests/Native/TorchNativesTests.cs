using System.IO;
using ResTuning.Native;

namespace ResTuning.Tests.Native;

public class TorchNativesTests
{
    [Fact]
    public void A_missing_libtorch_folder_is_a_clear_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "restuning-no-such-libtorch-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => TorchNatives.Initialize(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains(TorchNatives.LibTorchFolderVariable, error.Message);
    }

    [Fact]
    public void A_folder_without_the_cuda_libraries_names_the_missing_ones()
    {
        var folder = Directory.CreateTempSubdirectory("restuning-partial-libtorch-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "libc10.so"), "not a real library");
            File.WriteAllText(Path.Combine(folder, "libtorch_cpu.so"), "not a real library");
            var error = Assert.Throws<FileNotFoundException>(() => TorchNatives.Initialize(folder));
            Assert.Contains("libc10_cuda.so", error.Message);
            Assert.Contains("libtorch_cuda.so", error.Message);
            Assert.Contains("lacks libc10_cuda.so, libtorch_cuda.so, libtorch.so.", error.Message);
            Assert.Equal(new[] { "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" }, TorchNatives.MissingLibraries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Packaged_cpu_natives_load()
    {
        TorchNatives.Initialize(null);
        using var t = TorchSharp.torch.arange(4).sum();
        Assert.Equal(6, t.item<long>());
    }
}

public class OpenMpWaitPolicyTests
{
    [Fact]
    public void Initialize_leaves_a_policy_that_native_code_and_child_processes_see()
    {
        var before = Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable);
        TorchNatives.Initialize(null);
        var expected = string.IsNullOrEmpty(before) ? OpenMpWaitPolicy.Passive : before;
        Assert.Equal(expected, OpenMpWaitPolicy.PreferPassive());
        // .NET on Unix keeps its own copy of the environment; the OpenMP runtime reads the native one.
        Assert.Equal(expected, OpenMpWaitPolicy.NativeValue());
        if (OperatingSystem.IsWindows()) return;
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", new[] { "-c", "printf %s \"$OMP_WAIT_POLICY\"" }) { RedirectStandardOutput = true })!;
        var seen = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        Assert.Equal(expected, seen);
    }
}
