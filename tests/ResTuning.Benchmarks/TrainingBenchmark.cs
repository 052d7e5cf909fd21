using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using ResTuning.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// <c>training</c>: without <c>--method</c>, runs every method in its own child process (so each peak resident
/// set is that method's alone) and prints their JSON lines and a table; with <c>--method</c>, runs one method.
/// </summary>
internal static class TrainingBenchmark
{
    public static int Run(BenchmarkOptions o) => o.Method is null ? RunAll(o) : RunOne(o);

    private static int RunOne(BenchmarkOptions o)
    {
        TorchNatives.Initialize();
        var device = o.Device == "cuda" ? CUDA : CPU;
        var dtype = o.Dtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        manual_seed(0);
        using (NewDisposeScope()) _ = ones(4, 4).matmul(ones(4, 4)).sum().item<float>();
        var baseline = ProcessMemory.ResidentBytes();

        if (o.Method == GeneratedComparison.Method)
        {
            var comparison = GeneratedComparison.Run(o, device, dtype);
            comparison["model"] = o.Model;
            comparison["batch"] = o.Batch;
            comparison["steps"] = o.Steps;
            comparison["device"] = o.Device;
            comparison["dtype"] = o.Dtype;
            GeneratedComparison.Print(comparison);
            return 0;
        }
        var prepared = TrainingMethods.Prepare(o.Method!, o, device, dtype);
        for (var i = 0; i < o.Warmup; i++) prepared.Step();
        Sync(device);
        var times = new List<double>();
        for (var i = 0; i < o.Steps; i++)
        {
            var sw = Stopwatch.StartNew();
            prepared.Step();
            Sync(device);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;

        var result = new Dictionary<string, object>
        {
            ["method"] = o.Method!,
            ["ms_per_step"] = Math.Round(median, 2),
            ["ms_min"] = Math.Round(times[0], 2),
            ["peak_bytes"] = ProcessMemory.PeakResidentBytes(),
            ["baseline_bytes"] = baseline,
            ["memory_kind"] = o.Device == "cuda" ? "host_peak_rss (no CUDA allocator stats in TorchSharp 0.107)" : "peak_rss",
            ["trainable"] = prepared.Trainable,
            ["total_params"] = prepared.Total,
            ["model"] = o.Model,
            ["image"] = o.Image,
            ["batch"] = o.Batch,
            ["steps"] = o.Steps,
            ["device"] = o.Device,
            ["dtype"] = o.Dtype,
            ["threads"] = get_num_threads(),
        };
        if (o.Method!.StartsWith("multitask", StringComparison.Ordinal)) result["tasks"] = o.Tasks;
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }

    private static int RunAll(BenchmarkOptions o)
    {
        var results = new List<JsonElement>();
        var failed = 0;
        var methods = o.IsResNet ? ResNetMethods.All : TrainingMethods.All.Append(GeneratedComparison.Method);
        foreach (var method in methods)
        {
            QuietMachine.Wait(method);
            var (exit, line) = SelfProcess.Run(o.ChildArguments(method));
            if (exit != 0 || line is null)
            {
                Console.Error.WriteLine($"{method}: child exited with {exit}");
                failed++;
                continue;
            }
            if (o.Json) Console.WriteLine(line);
            results.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        var table = ResultTable.Format(results, o);
        if (o.Json) Console.Error.Write(table);
        else Console.Write(table);
        return failed == 0 ? 0 : 1;
    }
}
