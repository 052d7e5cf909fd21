using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using ResTuning.Data;
using Spectre.Console;

namespace ResTuning.Samples.Data;

/// <summary>
/// Finds the Fashion-MNIST files for the main job: a folder the user names, or Debian's package folder, installed
/// by <c>build/ensure-fashion-mnist.sh</c> when it is missing (as <c>build/ensure-native.sh</c> fixes libstdc++).
/// </summary>
public static class FashionMnistFolder
{
    /// <summary>Returns a folder holding the four Fashion-MNIST files.</summary>
    /// <param name="folder">The user's <c>--fashion-mnist</c> folder, or null for <see cref="FashionMnist.DefaultFolder"/>.</param>
    /// <exception cref="DirectoryNotFoundException">A named folder lacks the files, or the default one could not be installed.</exception>
    public static string Ensure(string? folder)
    {
        if (folder is not null)
        {
            if (!FashionMnist.IsPresent(folder))
                throw new DirectoryNotFoundException($"--fashion-mnist '{folder}' must hold {string.Join(", ", FashionMnist.FileNames)} (gzipped or plain).");
            return folder;
        }
        if (FashionMnist.IsPresent(FashionMnist.DefaultFolder)) return FashionMnist.DefaultFolder;

        var script = SetupScript();
        if (script is null || !OperatingSystem.IsLinux())
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST is not in {FashionMnist.DefaultFolder}. On Debian or Ubuntu: apt-get install {FashionMnist.DebianPackage}; " +
                $"elsewhere copy {string.Join(", ", FashionMnist.FileNames)} into a folder and pass --fashion-mnist DIR.");
        AnsiConsole.MarkupLine($"[grey]Fashion-MNIST is missing: running {Markup.Escape(script)}[/]");
        using var process = Process.Start(new ProcessStartInfo("bash", new[] { script }) { UseShellExecute = false })!;
        process.WaitForExit();
        if (process.ExitCode != 0 || !FashionMnist.IsPresent(FashionMnist.DefaultFolder))
            throw new DirectoryNotFoundException(
                $"Fashion-MNIST could not be installed (exit code {process.ExitCode}; see the message above). " +
                $"Install {FashionMnist.DebianPackage} as root, or pass --fashion-mnist DIR with the four files.");
        return FashionMnist.DefaultFolder;
    }

    // The build stamps the repository root into the assembly (see the .csproj), so the script is found from any working folder.
    private static string? SetupScript()
    {
        var root = typeof(FashionMnistFolder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefaultValue("RepoRoot");
        var path = root is null ? null : Path.Combine(root, "build", "ensure-fashion-mnist.sh");
        return path is not null && File.Exists(path) ? path : null;
    }

    private static string? FirstOrDefaultValue(this System.Collections.Generic.IEnumerable<AssemblyMetadataAttribute> attributes, string key)
    {
        foreach (var a in attributes)
            if (a.Key == key) return a.Value;
        return null;
    }
}
