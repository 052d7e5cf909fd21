using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;

namespace ResTuning.Serving.Benchmark;

/// <summary>What one load run measured.</summary>
/// <param name="RequestsPerSecond">Answers completed in the measured window per second.</param>
/// <param name="P50Ms">Median latency.</param>
/// <param name="P99Ms">99th-percentile latency.</param>
/// <param name="MeanBatch">Mean backbone batch the answers ran in.</param>
/// <param name="Failures">Non-200 answers or errors (whole run).</param>
/// <param name="WorkerMsPerBatch">The worker's mean time per batch (backbone pass and tasks), from <c>/metrics</c>; warm-up included.</param>
public sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, double MeanBatch, int Failures, double WorkerMsPerBatch = double.NaN);

/// <summary>A closed-loop HTTP load: <c>concurrency</c> clients each send the next request when the last one is answered.</summary>
public static class LoadDriver
{
    /// <summary>Drives <c>POST /predict</c> at <paramref name="baseAddress"/> with <paramref name="png"/>.</summary>
    public static async Task<LoadResult> RunAsync(Uri baseAddress, byte[] png, int concurrency, TimeSpan warmup, TimeSpan measured)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var to = from + (long)(measured.TotalSeconds * Stopwatch.Frequency);
        var samples = new ConcurrentBag<(double Ms, int Batch)>();
        var failures = 0;
        var completed = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < to)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(png);
                    content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    using var response = await client.PostAsync("/predict", content);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var done = Stopwatch.GetTimestamp();
                    if (!response.IsSuccessStatusCode)
                    {
                        System.Threading.Interlocked.Increment(ref failures);
                        continue;
                    }
                    // Throughput counts every answer completed in the window; latency only requests sent in it too (an
                    // answer sent during warm-up waited in a queue the window did not fill).
                    if (done >= from && done <= to)
                    {
                        System.Threading.Interlocked.Increment(ref completed);
                        if (sent >= from)
                        {
                            using var json = JsonDocument.Parse(body);
                            samples.Add((Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds, json.RootElement.GetProperty("batchSize").GetInt32()));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    System.Threading.Interlocked.Increment(ref failures);
                }
            }
        })));
        var latencies = samples.Select(s => s.Ms).Order().ToArray();
        if (latencies.Length == 0) return new LoadResult(0, double.NaN, double.NaN, double.NaN, failures);
        return new LoadResult(completed / measured.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            samples.Average(s => s.Batch), failures);
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
