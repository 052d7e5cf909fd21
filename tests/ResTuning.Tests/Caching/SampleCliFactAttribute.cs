using System.IO;

namespace ResTuning.Tests.Caching;

/// <summary>
/// A fact that runs the samples' <c>extract-taps</c> command in child processes; skipped (with the command that enables it) until
/// <c>dotnet build samples/ResTuning.Samples -c Debug</c> (or Release) has built it.
/// </summary>
public sealed class SampleCliFactAttribute : FactAttribute
{
    public SampleCliFactAttribute()
    {
        if (SampleCli.Path is null) Skip = "build samples/ResTuning.Samples (dotnet build samples/ResTuning.Samples -c Debug) to run the multi-process extraction test";
    }
}

/// <summary>Where the built samples program is (or <c>RESTUNING_SAMPLES_DLL</c>).</summary>
internal static class SampleCli
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var given = Environment.GetEnvironmentVariable("RESTUNING_SAMPLES_DLL");
        if (!string.IsNullOrEmpty(given) && File.Exists(given)) return given;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ResTuning.Dsl.sln"))) dir = dir.Parent;
        if (dir is null) return null;
        return new[] { "Debug", "Release" }
            .Select(c => System.IO.Path.Combine(dir.FullName, "samples", "ResTuning.Samples", "bin", c, "net10.0", "restuning-samples.dll"))
            .FirstOrDefault(File.Exists);
    }
}
