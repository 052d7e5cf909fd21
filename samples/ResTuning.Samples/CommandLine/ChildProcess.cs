using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace ResTuning.Samples.CommandLine;

/// <summary>Runs this program again in a child process, so that a peak-memory figure covers one method alone.</summary>
public static class ChildProcess
{
    /// <summary>Starts this program with <paramref name="args"/>, waits for it and returns its exit code.</summary>
    public static int Run(IEnumerable<string> args)
    {
        var process = Environment.ProcessPath!;
        var info = new ProcessStartInfo(process) { UseShellExecute = false };
        // Under `dotnet app.dll` the program is the dll; under the apphost it is the process itself.
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }
}
