using System;
using System.Threading.Tasks;

namespace ResTuning.Serving.Benchmark;

/// <summary>The load benchmark (placeholder).</summary>
public static class LoadBenchmark
{
    /// <summary>Runs it.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("not yet");
        return Task.FromResult(2);
    }
}
