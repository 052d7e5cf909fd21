using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace ResTuning.Package.Tests.Support;

/// <summary>The outcome of a child process: exit code, interleaved stdout/stderr and wall time.</summary>
/// <param name="CommandLine">What ran, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output and standard error, interleaved as received.</param>
/// <param name="Elapsed">Wall time.</param>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Throws with the whole output unless the process exited with 0.</summary>
    /// <returns>This result.</returns>
    public ProcessResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"'{CommandLine}' exited with {ExitCode} after {Elapsed.TotalSeconds:F1} s. Output:\n{Output}");
}

/// <summary>Runs <c>dotnet</c> commands as child processes with a timeout, isolated from the MSBuild that runs the tests.</summary>
internal static class ChildProcess
{
    /// <summary>The dotnet host running the tests (<c>DOTNET_HOST_PATH</c>), else <c>dotnet</c> from PATH.</summary>
    public static string DotNet
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
        }
    }

    /// <summary>Runs <see cref="DotNet"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    /// <param name="workingDirectory">The child's current directory.</param>
    /// <param name="timeout">Wall-time limit; on expiry the child's process tree is killed and an exception carries its output so far.</param>
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <param name="arguments">The arguments, each passed as is.</param>
    /// <returns>The result (not checked: see <see cref="ProcessResult.EnsureSuccess"/>).</returns>
    public static ProcessResult RunDotNet(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotNet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Isolate(start.Environment);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) start.Environment.Remove(name);
                else start.Environment[name] = value;
            }
        }

        var commandLine = $"dotnet {string.Join(' ', arguments)}";
        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { } // exited meanwhile
            process.WaitForExit(10_000);
            string partial;
            lock (output) partial = output.ToString();
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout.TotalSeconds:F0} s and was killed. Output so far:\n{partial}");
        }
        // The process has exited; give the output readers a bounded time to drain (a stray grandchild could hold the pipes).
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try { process.WaitForExitAsync(drain.Token).GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { }
        }
        stopwatch.Stop();
        lock (output) return new ProcessResult(commandLine, process.ExitCode, output.ToString(), stopwatch.Elapsed);
    }

    /// <summary>
    /// Keeps the child away from the test run's MSBuild: drops the MSBuild variables <c>dotnet test</c> exports,
    /// and switches off build servers and node reuse so that no process outlives the command holding its pipes.
    /// </summary>
    private static void Isolate(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            environment.Remove(name);
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
    }
}
