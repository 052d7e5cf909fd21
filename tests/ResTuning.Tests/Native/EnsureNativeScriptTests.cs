using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ResTuning.Tests.Native;

/// <summary>
/// The Debian 12 native set-up (<c>build/ensure-native.sh</c>) from a state where the fix is absent, reproduced on a
/// machine that has it: the script checks a stand-in libstdc++ (<c>RESTUNING_LIBSTDCXX</c>) that lacks the symbol, and a
/// dry run (<c>RESTUNING_NATIVE_DRY_RUN</c>) says what it would install. The MSBuild hook is checked on a probe project
/// that, like the samples and benchmarks, sets <c>UsesTorchNatives</c> and is not a test project: building it (what
/// <c>dotnet run</c> does first) runs the set-up.
/// </summary>
public sealed class EnsureNativeScriptTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "restuning-native-" + Guid.NewGuid().ToString("N"));

    public EnsureNativeScriptTests()
    {
        Directory.CreateDirectory(folder);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string RepoRoot([CallerFilePath] string file = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "../../.."));

    private static string Script => Path.Combine(RepoRoot(), "build", "ensure-native.sh");

    /// <summary>A file that looks like a libstdc++ to <c>grep</c>: its symbol versions up to <paramref name="newest"/>.</summary>
    private string StandIn(string newest)
    {
        var path = Path.Combine(folder, "libstdc++.so.6." + newest);
        var versions = Enumerable.Range(20, int.Parse(newest.Split('.')[^1]) - 19).Select(v => "GLIBCXX_3.4." + v);
        File.WriteAllText(path, "\x7f" + "ELF\0" + string.Join("\0", versions) + "\0");
        return path;
    }

    private static (int Code, string Output) Run(string fileName, IEnumerable<string> arguments, IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Path.GetTempPath() };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{fileName} did not finish");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void A_libstdcxx_without_the_symbol_gets_the_trixie_fix()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (code, output) = Run("bash", new[] { Script }, new Dictionary<string, string>
        {
            ["RESTUNING_LIBSTDCXX"] = StandIn("3.4.30"),
            ["RESTUNING_NATIVE_DRY_RUN"] = "1",
        });

        Assert.Equal(0, code);
        Assert.Contains("lacks GLIBCXX_3.4.32", output);
        if (File.ReadAllText("/etc/os-release").Contains("ID=debian", StringComparison.Ordinal))
            Assert.Contains("dry run: would add Debian trixie pinned at priority 100 and install libstdc++6", output);
    }

    [Fact]
    public void A_libstdcxx_with_the_symbol_needs_nothing()
    {
        if (!OperatingSystem.IsLinux()) return;
        var (code, output) = Run("bash", new[] { Script }, new Dictionary<string, string>
        {
            ["RESTUNING_LIBSTDCXX"] = StandIn("3.4.33"),
            ["RESTUNING_NATIVE_DRY_RUN"] = "1",
        });

        Assert.Equal(0, code);
        Assert.Contains("provides GLIBCXX_3.4.32: nothing to do", output);
        Assert.DoesNotContain("dry run", output);
    }

    [Fact]
    public void Without_root_or_sudo_the_fix_is_refused_with_the_command_to_run()
    {
        // As root (CI, a fresh machine), run the script as 'nobody'; as another user, run it as that user.
        if (!OperatingSystem.IsLinux() || !File.ReadAllText("/etc/os-release").Contains("ID=debian", StringComparison.Ordinal)) return;
        var standIn = StandIn("3.4.30");
        var script = Path.Combine(folder, "ensure-native.sh");
        File.Copy(Script, script);
        var tmp = Path.Combine(folder, "tmp");
        Directory.CreateDirectory(tmp);
        foreach (var path in new[] { folder, tmp, script, standIn })
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(Directory.Exists(path) ? "777" : "755", 8));
        var asRoot = Environment.UserName == "root";
        if (asRoot && !File.Exists("/usr/bin/setpriv")) return;

        var (code, output) = asRoot
            ? Run("/usr/bin/setpriv", new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "bash", script }, Env())
            : Run("bash", new[] { script }, Env());

        if (!asRoot && output.Contains("[ensure-native] dry run", StringComparison.Ordinal)) return;   // password-less sudo: allowed
        Assert.Equal(3, code);
        Assert.Contains("needs root", output);
        Assert.Contains("bash build/ensure-native.sh", output);

        Dictionary<string, string> Env() => new() { ["RESTUNING_LIBSTDCXX"] = standIn, ["TMPDIR"] = tmp, ["HOME"] = tmp };
    }

    [Fact]
    public void Building_any_project_that_uses_the_natives_runs_the_set_up_first()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Inside the repository, so that Directory.Build.props/targets apply; under obj/, which git ignores. No TorchSharp
        // package (backend 'none'), so the probe restores and builds offline in seconds.
        var probe = Path.Combine(RepoRoot(), "tests", "ResTuning.Tests", "obj", "native-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            File.WriteAllText(Path.Combine(probe, "Probe.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Exe</OutputType>
                    <UsesTorchNatives>true</UsesTorchNatives>
                    <ResTuningTorchBackend>none</ResTuningTorchBackend>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(probe, "Program.cs"), "System.Console.WriteLine(\"probe\");\n");
            var environment = new Dictionary<string, string>
            {
                ["RESTUNING_LIBSTDCXX"] = StandIn("3.4.30"),
                ["RESTUNING_NATIVE_DRY_RUN"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
            };

            var (code, output) = Run("dotnet", new[] { "build", "Probe.csproj", "-nodeReuse:false", "-p:UseSharedCompilation=false" }, environment, probe);

            Assert.True(code == 0, output);
            Assert.Contains("[ensure-native] libstdc++", output);
            Assert.Contains("lacks GLIBCXX_3.4.32", output);

            var (skipCode, skipped) = Run("dotnet", new[] { "build", "Probe.csproj", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:ResTuningSkipNativeSetup=true" }, environment, probe);
            Assert.True(skipCode == 0, skipped);
            Assert.DoesNotContain("[ensure-native]", skipped);
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    [Fact]
    public void Every_project_that_runs_TorchSharp_declares_it()
    {
        // The set-up is keyed on UsesTorchNatives / NeedsTorchNativeSetup: a project that runs TorchSharp without either
        // would fail on a fresh Debian 12 machine. Known ones by name; and any program (every README command is one) that
        // references the runtime.
        var known = new[] { "ResTuning.Samples", "ResTuning.Benchmarks", "ResTuning.Tests", "ResTuning.Generators.Tests", "ResTuning.Samples.Tests", "ResTuning.Package.Tests", "ResTuning.Onnx.Tests", "ResTuning.Serving", "ResTuning.Serving.Tests" };
        var root = RepoRoot();
        var projects = new[] { "samples", "tests" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), File.ReadAllText);
        Assert.Subset(projects.Keys.ToHashSet(), known.ToHashSet());
        foreach (var (name, text) in projects)
        {
            var program = text.Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal) && text.Contains("src/ResTuning/ResTuning.csproj", StringComparison.Ordinal);
            if (!known.Contains(name) && !program) continue;
            Assert.True(text.Contains("<UsesTorchNatives>true</UsesTorchNatives>", StringComparison.Ordinal)
                || text.Contains("<NeedsTorchNativeSetup>true</NeedsTorchNativeSetup>", StringComparison.Ordinal),
                $"{name} runs TorchSharp but sets neither UsesTorchNatives nor NeedsTorchNativeSetup");
        }
    }
}
