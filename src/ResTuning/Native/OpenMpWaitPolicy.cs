using System.Runtime.InteropServices;

namespace ResTuning.Native;

/// <summary>
/// How libtorch's OpenMP threads wait for work between parallel regions (<c>OMP_WAIT_POLICY</c>, read once when the
/// OpenMP runtime loads with libtorch). <see cref="TorchNatives.Initialize"/> sets it to <see cref="Passive"/> unless the
/// environment already names a policy.
/// </summary>
/// <remarks>
/// By default GNU OpenMP (which TorchSharp's libtorch ships) spins for a while before it sleeps. On a machine whose cores
/// are also busy with other work — another process, a web server's threads, a second training job — the spinning threads
/// take the cores the working ones need: measured on the 2-core build machine while other jobs ran (2026-12-07), a ResNet
/// inference step of the training benchmark took 2,177 and 3,010 ms with the default policy and 1,039 and 1,313 ms with
/// <c>PASSIVE</c>, and plain PyTorch's anchor already runs with <c>PASSIVE</c> (its fastest setting here). On a quiet
/// machine waking the threads costs a little instead (a bypass step on cached ViT taps 71–79 ms with the default, 76–96 ms
/// passive). Set <c>OMP_WAIT_POLICY=ACTIVE</c> in the environment to keep spinning on a machine of your own.
/// </remarks>
public static class OpenMpWaitPolicy
{
    /// <summary>The environment variable GNU and LLVM OpenMP read.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Threads sleep as soon as they are idle.</summary>
    public const string Passive = "PASSIVE";

    /// <summary>
    /// Sets <see cref="Variable"/> to <see cref="Passive"/> in this process (native and managed environment, so that the
    /// OpenMP runtime loading later and child processes both see it) unless it is already set. Must run before the first
    /// tensor is created: once libtorch has loaded, its OpenMP runtime has read the variable.
    /// </summary>
    /// <returns>The policy in effect from now on (the environment's own where it had one).</returns>
    public static string PreferPassive()
    {
        var current = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(current)) return current;
        Environment.SetEnvironmentVariable(Variable, Passive);
        // On Unix .NET keeps its own copy of the environment: the native one, which the OpenMP runtime reads, needs setenv.
        if (!OperatingSystem.IsWindows()) _ = setenv(Variable, Passive, 0);
        return Passive;
    }

    /// <summary>The variable as native code sees it now (null when unset).</summary>
    public static string? NativeValue()
    {
        if (OperatingSystem.IsWindows()) return Environment.GetEnvironmentVariable(Variable);
        var value = getenv(Variable);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", ExactSpelling = true)]
    private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
