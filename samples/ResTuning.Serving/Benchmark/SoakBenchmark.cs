using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ResTuning.Serving.Models;
using ResTuning.Serving.Monitoring;

namespace ResTuning.Serving.Benchmark;

/// <summary>
/// <c>restuning-serving soak</c>: the server in process on a real port, <c>POST /predict</c> (every task) from a closed loop
/// of clients, and <c>PUT /tasks/task-0</c> every few seconds alternating two valid checkpoints. Prints requests, failures,
/// p50/p99 and resident memory per minute, then the memory growth from the first minute to the last and PASS/FAIL against
/// issue 24's targets. Not part of CI.
/// </summary>
public static class SoakBenchmark
{
    /// <summary>The task the soak swaps.</summary>
    public const string SwappedTask = "task-0";

    /// <summary>Runs the soak with command-line <paramref name="args"/>; 0 on PASS, 1 on FAIL, 2 on bad options.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var root = Path.Combine(Path.GetTempPath(), "restuning-serving-soak", Guid.NewGuid().ToString("N"));
        var tasks = Path.Combine(root, "tasks");
        Directory.CreateDirectory(tasks);
        try
        {
            byte[][] checkpoints;
            using (var backbone = ServingBackbone.Load(new ServingOptions { Backbone = options.Backbone, ImageSize = options.Size }))
            {
                DefaultTasks.WriteFresh(tasks, SwappedTask, 10, backbone, seed: 100);
                DefaultTasks.WriteFresh(tasks, "task-1", 10, backbone, seed: 101);
                checkpoints = new[] { 200, 201 }.Select(seed =>
                {
                    var folder = Directory.CreateDirectory(Path.Combine(root, $"swap-{seed}")).FullName;
                    return File.ReadAllBytes(DefaultTasks.WriteFresh(folder, SwappedTask, 10, backbone, seed));
                }).ToArray();
            }
            await using var server = await InProcessServer.StartAsync(new[]
            {
                $"--Serving:Backbone={options.Backbone}",
                $"--Serving:ImageSize={options.Size}",
                $"--Serving:TaskFolder={tasks}",
                "--Serving:SeedTasks=false",
                "--Serving:WatchTaskFolder=false",
                $"--Serving:TrimNativeHeapSeconds={options.TrimNativeHeapSeconds}",
                $"--Serving:MaxQueue={Math.Max(256, options.Concurrency * 2)}",
            });
            var windows = await Drive(server.Address, options, checkpoints);
            using (var client = new HttpClient { BaseAddress = server.Address })
            {
                var trimLines = (await client.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("restuning_native_heap_trim", StringComparison.Ordinal));
                Console.WriteLine($"native heap trims: {string.Join("; ", trimLines)}");
            }
            Console.WriteLine(SoakReport.Summary(windows.Windows, windows.FailedSwaps));
            return SoakReport.Passes(windows.Windows, windows.FailedSwaps) ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
        }
    }

    private sealed class Window
    {
        public readonly ConcurrentBag<double> Latencies = new();
        public int Requests, Failed, Swaps;
    }

    private static async Task<(IReadOnlyList<SoakWindow> Windows, int FailedSwaps)> Drive(Uri address, SoakOptions options, byte[][] checkpoints)
    {
        var count = Math.Max(2, (int)Math.Floor(options.Minutes * 60 / options.WindowSeconds));
        var windows = Enumerable.Range(0, count).Select(_ => new Window()).ToArray();
        var windowTicks = (long)(options.WindowSeconds * Stopwatch.Frequency);
        var png = LoadBenchmark.PngOf(options.Size);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 1, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
        using var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var start = Stopwatch.GetTimestamp();
        var end = start + count * windowTicks;
        Window? WindowAt(long timestamp) => timestamp >= start && timestamp < end ? windows[(timestamp - start) / windowTicks] : null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {options.Backbone} at {options.Size} px, 2 tasks, concurrency {options.Concurrency}, {count} window(s) of {options.WindowSeconds:0.#} s, '{SwappedTask}' swapped every {options.SwapEverySeconds:0.#} s, native heap trimmed {(options.TrimNativeHeapSeconds == 0 ? "never" : $"every {options.TrimNativeHeapSeconds} s")}"));

        var clients = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    using var content = new ByteArrayContent(png);
                    content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    using var response = await client.PostAsync("/predict", content);
                    await response.Content.ReadAsByteArrayAsync();
                    ok = response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }
                var done = Stopwatch.GetTimestamp();
                if (WindowAt(done) is not { } window) continue;
                Interlocked.Increment(ref window.Requests);
                if (ok) window.Latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                else Interlocked.Increment(ref window.Failed);
            }
        })).ToArray();

        var failedSwaps = 0;
        var swapper = Task.Run(async () =>
        {
            for (var swap = 0; ; swap++)
            {
                var due = start + (long)((swap + 1) * options.SwapEverySeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Math.Min(due, end));
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                if (Stopwatch.GetTimestamp() >= end) return;
                using var body = new ByteArrayContent(checkpoints[swap % 2]);
                body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var response = await client.PutAsync($"/tasks/{SwappedTask}", body);
                if (WindowAt(Stopwatch.GetTimestamp()) is { } window) Interlocked.Increment(ref window.Swaps);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failedSwaps);
                    Console.WriteLine($"  swap {swap + 1} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        });

        // At each window's end: its resident memory and line.
        var report = new List<SoakWindow>();
        for (var i = 0; i < count; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start + (i + 1) * windowTicks);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var rss = ResidentMemory.CurrentKiB() ?? 0;
            var heap = NativeHeap.Current();
            var managed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            var parts = ResidentMemory.CurrentParts();
            // Answers of requests in flight at the boundary may still land in this window: wait for them (the last
            // window: for every client to stop).
            if (i == count - 1) await Task.WhenAll(clients.Append(swapper));
            else await Task.Delay(TimeSpan.FromMilliseconds(10));
            var w = windows[i];
            var latencies = w.Latencies.Order().ToArray();
            var line = new SoakWindow(i + 1, Volatile.Read(ref w.Requests), Volatile.Read(ref w.Failed),
                Percentile(latencies, 0.50), Percentile(latencies, 0.99), Volatile.Read(ref w.Swaps), rss);
            report.Add(line);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{line}; managed committed {managed / 1048576.0:F1} MiB, native in use {(heap?.InUse ?? 0) / 1048576.0:F1} MiB, free held {(heap?.FreeHeld ?? 0) / 1048576.0:F1} MiB; " +
                $"RSS anonymous {(parts?.AnonKiB ?? 0) / 1024.0:F1} MiB, file-backed {(parts?.FileKiB ?? 0) / 1024.0:F1} MiB, {parts?.Threads ?? 0} threads"));
        }
        return (report, failedSwaps);
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1))];
}
