using System.Diagnostics;
using System.IO;

namespace ResTuning.Samples.Tests.Support;

/// <summary>Runs the built samples program (<c>restuning-samples.dll</c>, copied beside the tests) the way a user does.</summary>
public static class SampleProgram
{
    /// <summary>Starts it with <paramref name="args"/>, output redirected.</summary>
    public static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "restuning-samples.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Waits for a started run (at most 15 minutes: a loaded 2-core machine is slow) and returns its exit code and output.</summary>
    public static (int Exit, string Text) Wait(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(15)), "the samples program did not finish in 15 minutes");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs it with <paramref name="args"/> to the end.</summary>
    public static (int Exit, string Text) Run(params string[] args)
    {
        using var process = Start(args);
        return Wait(process);
    }
}
