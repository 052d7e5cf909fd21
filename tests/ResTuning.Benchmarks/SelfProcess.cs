using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace ResTuning.Benchmarks;

/// <summary>
/// Runs this program again in a child process, so that a peak-memory figure covers one method alone; the child prints
/// its result as one JSON line on standard output (its standard error goes to this process's).
/// </summary>
internal static class SelfProcess
{
    /// <summary>Runs the child with <paramref name="args"/> to the end.</summary>
    /// <returns>Its exit code and the last line of its output that starts with <c>{</c> (null if none).</returns>
    public static (int ExitCode, string? JsonLine) Run(IEnumerable<string> args)
    {
        var (exe, prefix) = Command();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(args)) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{')));
    }

    /// <summary>How to start this program again: the apphost itself, or <c>dotnet this.dll</c>.</summary>
    private static (string Exe, string[] Prefix) Command()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (path, new[] { Assembly.GetEntryAssembly()!.Location })
            : (path, Array.Empty<string>());
    }
}
