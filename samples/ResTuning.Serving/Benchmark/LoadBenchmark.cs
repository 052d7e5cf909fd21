using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using ResTuning.Bypass;
using ResTuning.Serving.Models;

namespace ResTuning.Serving.Benchmark;

/// <summary>
/// <c>restuning-serving bench</c>: runs the server in process on a real port and drives it over HTTP at a fixed concurrency:
/// 1 task, n tasks on one backbone pass, n tasks each with its own backbone pass (what n separate models cost), and
/// 1 task at batch size 1; prints requests/s, p50/p99 latency and mean batch, and measures c. Not part of CI.
/// </summary>
public static class LoadBenchmark
{
    private sealed record Scenario(string Name, string Folder, int Batch, int WaitMs, bool SharedPass, bool Probe = false);

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var root = Path.Combine(Path.GetTempPath(), "restuning-serving-bench", Guid.NewGuid().ToString("N"));
        var one = Path.Combine(root, "one");
        var many = Path.Combine(root, "many");
        Directory.CreateDirectory(one);
        Directory.CreateDirectory(many);
        try
        {
            double c;
            var serving = new ServingOptions { Backbone = options.Backbone, ImageSize = options.Size };
            using (var backbone = ServingBackbone.Load(serving))
            {
                for (var t = 0; t < options.Tasks; t++) DefaultTasks.WriteFresh(many, $"task-{t}", 10, backbone, seed: 100 + t);
                File.Copy(Path.Combine(many, "task-0.safetensors"), Path.Combine(one, "task-0.safetensors"));
                using var task = new TaskBypass(backbone.Model, backbone.Source, new PooledHead(backbone.Model.FeatureDim, 10));
                // On a thread of its own, as the server's worker runs: on the project's machine the same pass measured about
                // 3× slower on the process's main thread (650–700 ms against 140–260 ms; not investigated further).
                var cost = default((double BackboneMs, double TaskMs, double C));
                var measuring = new System.Threading.Thread(() => cost = BypassCost.Measure(backbone, task, options.Batch, options.Size));
                measuring.Start();
                measuring.Join();
                c = cost.C;
                Console.WriteLine(FormattableString.Invariant(
                    $"{options.Backbone} at {options.Size} px, batch {options.Batch}: backbone pass {cost.BackboneMs:F1} ms, one task's bypass {cost.TaskMs:F2} ms, c = {c:F3} (median of paired runs)"));
            }
            var n = options.Tasks;
            var scenarios = new[]
            {
                new Scenario("1 task", one, options.Batch, options.WaitMs, true, Probe: true),
                new Scenario($"{n} tasks, one backbone pass", many, options.Batch, options.WaitMs, true),
                new Scenario($"{n} tasks, a backbone pass each (= {n} separate models)", many, options.Batch, options.WaitMs, false),
                new Scenario("1 task, batch size 1", one, 1, 0, true),
            };
            var rounds = new List<List<(Scenario Scenario, LoadResult Result)>>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                var results = new List<(Scenario Scenario, LoadResult Result)>();
                foreach (var scenario in scenarios)
                {
                    var result = await RunScenario(scenario, options);
                    results.Add((scenario, result));
                    Console.WriteLine(FormattableString.Invariant(
                        $"  round {round}/{options.Rounds}, {scenario.Name}: {result.RequestsPerSecond:F1} req/s, p50 {result.P50Ms:F0} ms, p99 {result.P99Ms:F0} ms, mean batch {result.MeanBatch:F1}, failures {result.Failures}"));
                }
                rounds.Add(results);
            }
            Print(options, c, rounds);
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<LoadResult> RunScenario(Scenario scenario, LoadOptions options)
    {
        await using var server = await InProcessServer.StartAsync(new[]
        {
            $"--Serving:Backbone={options.Backbone}",
            $"--Serving:ImageSize={options.Size}",
            $"--Serving:TaskFolder={scenario.Folder}",
            "--Serving:SeedTasks=false",
            "--Serving:WatchTaskFolder=false",
            $"--Serving:MaxBatchSize={scenario.Batch}",
            $"--Serving:MaxWaitMs={scenario.WaitMs}",
            $"--Serving:SharedPass={scenario.SharedPass}",
            $"--Serving:MaxQueue={Math.Max(256, options.Concurrency * 2)}",
        });
        var address = server.Address;
        var load = LoadDriver.RunAsync(address, PngOf(options.Size), options.Concurrency, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Seconds));
        if (scenario.Probe)
        {
            // Mid-load: every kind of bad input should be a quick 4xx while the worker is busy.
            await Task.Delay(TimeSpan.FromSeconds(options.Warmup + options.Seconds / 2));
            foreach (var (name, status, ms) in await BadInputProbe.RunAsync(address, options.Size))
                Console.WriteLine(FormattableString.Invariant($"    under load, {name}: {status} in {ms:F0} ms"));
        }
        var result = await load;
        using var scrape = new HttpClient { BaseAddress = address };
        return result with { WorkerMsPerBatch = WorkerMsPerBatch(await scrape.GetStringAsync("/metrics")) };
    }

    private static double WorkerMsPerBatch(string metrics)
    {
        double Value(string name) => double.Parse(metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
        return 1000 * Value("restuning_batch_duration_seconds_sum") / Value("restuning_batch_duration_seconds_count");
    }

    /// <summary>A seeded random RGB image of <paramref name="size"/>² pixels as PNG: the benchmarks' request body.</summary>
    public static byte[] PngOf(int size)
    {
        var rgb = new byte[size * size * 3];
        new Random(1).NextBytes(rgb);
        return PngEncoder.Rgb(rgb, size, size);
    }

    private static void Print(LoadOptions options, double c, List<List<(Scenario Scenario, LoadResult Result)>> rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        var n = options.Tasks;
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"| round | scenario (concurrency {options.Concurrency}, {options.Backbone}, {options.Size} px) | req/s | p50 ms | p99 ms | mean batch | worker ms/batch | failed |"));
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        for (var r = 0; r < rounds.Count; r++)
            foreach (var (scenario, result) in rounds[r])
                Console.WriteLine(string.Create(inv, $"| {r + 1} | {scenario.Name} | {result.RequestsPerSecond:F1} | {result.P50Ms:F0} | {result.P99Ms:F0} | {result.MeanBatch:F1} | {result.WorkerMsPerBatch:F0} | {result.Failures} |"));

        // Ratios within each round (scenario order: 1 task, n tasks one pass, n separate passes, batch size 1).
        double Ratio(List<(Scenario Scenario, LoadResult Result)> round, int a, int b) => round[a].Result.RequestsPerSecond / round[b].Result.RequestsPerSecond;
        string Each(Func<List<(Scenario Scenario, LoadResult Result)>, double> ratio) => string.Join(" / ", rounds.Select(r => ratio(r).ToString("F2", inv)));
        double Median(Func<List<(Scenario Scenario, LoadResult Result)>, double> ratio) => rounds.Select(ratio).Order().ElementAt(rounds.Count / 2);
        // c as the server sees it: the worker's batch time with n tasks minus with 1 is (n - 1) task bypasses.
        double Served(List<(Scenario Scenario, LoadResult Result)> round)
        {
            var perTask = (round[1].Result.WorkerMsPerBatch - round[0].Result.WorkerMsPerBatch) / (n - 1);
            return perTask / (round[0].Result.WorkerMsPerBatch - perTask);
        }
        var predicted = (1 + c) / (1 + n * c);
        var served = Median(Served);
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"c = {c:F3}; compute alone predicts {n} tasks at (1 + c)/(1 + {n}c) = {predicted:F2} of 1 task's req/s"));
        Console.WriteLine(string.Create(inv, $"c from the worker's batch times (per round {Each(Served)}), median {served:F3}: predicts {(1 + served) / (1 + n * served):F2}"));
        Console.WriteLine(string.Create(inv, $"ratios per round, then the median over {rounds.Count} round(s):"));
        Console.WriteLine(string.Create(inv, $"{n} tasks / 1 task: {Each(r => Ratio(r, 1, 0))}; median {Median(r => Ratio(r, 1, 0)):F2} (target ≥ 0.9 × {predicted:F2} = {0.9 * predicted:F2})"));
        Console.WriteLine(string.Create(inv, $"one pass / separate passes: {Each(r => Ratio(r, 1, 2))}; median {Median(r => Ratio(r, 1, 2)):F2} (target ≥ 4)"));
        Console.WriteLine(string.Create(inv, $"batching / batch size 1: {Each(r => Ratio(r, 0, 3))}; median {Median(r => Ratio(r, 0, 3)):F2} (target ≥ 2)"));
        Console.WriteLine(string.Create(inv, $"failed requests in all rounds: {rounds.Sum(r => r.Sum(x => x.Result.Failures))}"));
    }
}
