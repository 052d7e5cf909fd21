using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Caching;
using ResTuning.Native;
using ResTuning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks;

/// <summary>
/// <c>tapcache</c>: bypass training epochs that re-run the frozen backbone (live) against epochs on a tap cache extracted once,
/// and against the same bypass steps on taps already in memory as tensors (the floor for a cached epoch); the extraction
/// against a collect epoch (the backbone's taps alone, not stored). Prints one JSON line.
/// </summary>
/// <remarks>
/// Every epoch runs the same shuffled batches in all three modes. Live epochs are timed for <c>--live-epochs</c> epochs, each
/// just before the cached epoch of the same batches, and the live total is their median times <c>--epochs</c>; the cached
/// epochs are all timed (the speedup uses their sum, the per-epoch figure their median). The multi-task figure trains <c>--tasks</c> bypasses on
/// one cache (one read per batch, one step per task) against as many live trainings.
/// </remarks>
internal static class TapCacheBenchmark
{
    private const int Classes = 10;

    public static int Run(TapCacheBenchOptions o)
    {
        TorchNatives.Initialize();
        manual_seed(0);
        var config = o.VitConfig;
        var vit = new VisionTransformer(config);
        var source = new VitTapSource(vit);
        var images = randn(new long[] { o.Examples, config.InChannels, config.ImageSize, config.ImageSize });
        var labels = randint(Classes, new long[] { o.Examples });
        var dtype = TapCacheKey.ParseDType(o.Dtype);
        var folder = o.Dir ?? Path.Combine(Path.GetTempPath(), "restuning-tapcache-bench-" + Guid.NewGuid().ToString("N"));
        var schedule = Enumerable.Range(0, o.Epochs).Select(e => Order(o.Examples, o.Batch, e)).ToArray();
        Log(o, $"ViT {o.Model} {o.Image}px, {o.Examples} examples, batch {o.Batch}, adapters {o.Adapter}, {o.Epochs} epochs, {get_num_threads()} threads");

        try
        {
            var clock = Stopwatch.StartNew();
            using var cache = TapCache.Extract(source, (start, count, _) => images.narrow(0, start, count), o.Examples, new TapCacheOptions
            {
                Preprocessing = "benchmark/randn-seed-0",
                DType = dtype,
                Storage = o.Storage == "disk" ? TapCacheStorage.Disk : TapCacheStorage.Memory,
                Directory = o.Storage == "disk" ? folder : null,
                BatchSize = o.Batch,
            });
            var extract = clock.Elapsed.TotalSeconds;
            Log(o, $"extract {extract:F1} s, {cache.Bytes / 1e6:F0} MB");

            // What extraction costs over the backbone alone: the same batches, taps collected and dropped.
            var lastTap = source.TapNames.Count - 1;
            var collect = Seconds(() =>
            {
                for (var start = 0; start < o.Examples; start += o.Batch)
                    using (var scope = NewDisposeScope())
                    using (no_grad())
                        source.Collect(images.narrow(0, start, Math.Min(o.Batch, o.Examples - start)), lastTap);
            });
            Log(o, $"collect epoch {collect:F1} s (the backbone's taps alone, not stored)");

            // Live epochs alternate with the first cached ones, so a slow spell of this shared machine hits both.
            var bypass = NewBypass(source, config, o.Adapter);
            var live = new List<double>();
            var cached = new List<double>();
            var step = Trainer(bypass, labels);
            for (var e = 0; e < o.Epochs; e++)
            {
                if (e < o.LiveEpochs)
                    live.Add(Seconds(() => { foreach (var b in schedule[e]) step(b, () => bypass.call(images.index_select(0, tensor(b)))); }));
                cached.Add(Seconds(() => { foreach (var b in schedule[e]) step(b, () => bypass.Run(cache.Read(b))); }));
            }
            Log(o, $"live epoch {Timing.Median(live):F1} s (epochs: {string.Join(", ", live.Select(c => c.ToString("F1")))})");
            Log(o, $"cached epoch {Timing.Median(cached):F2} s (epochs: {string.Join(", ", cached.Select(c => c.ToString("F2")))})");

            // Reading alone: what a cached epoch adds to the floor.
            var read = Seconds(() => { foreach (var b in schedule[0]) foreach (var t in cache.Read(b)) t.Dispose(); });
            Log(o, $"read epoch {read:F2} s");

            // The floor: the same steps on taps already in memory as float32 tensors.
            var floor = new List<double>();
            for (var e = 0; e < Math.Min(2, o.Epochs); e++)
            {
                var taps = schedule[e].Select(b => cache.Read(b)).ToArray();
                floor.Add(Seconds(() => { for (var i = 0; i < taps.Length; i++) { var t = taps[i]; step(schedule[e][i], () => bypass.Run(t)); } }));
                foreach (var t in taps.SelectMany(x => x)) t.Dispose();
            }
            Log(o, $"bypass-only epoch {Timing.Median(floor):F2} s");

            // Several task bypasses on one cache: one read per batch, one step per task.
            var tasks = Enumerable.Range(0, o.Tasks).Select(_ => NewBypass(source, config, o.Adapter)).ToArray();
            var taskSteps = tasks.Select(t => Trainer(t, labels)).ToArray();
            var tasksEpoch = Seconds(() =>
            {
                foreach (var b in schedule[0])
                {
                    var taps = cache.Read(b);
                    for (var t = 0; t < tasks.Length; t++) taskSteps[t](b, () => tasks[t].Run(taps));
                    foreach (var tap in taps) tap.Dispose();
                }
            });
            Log(o, $"{o.Tasks} tasks on the cache: {tasksEpoch:F2} s per epoch");

            var liveEpoch = Timing.Median(live);
            var cachedEpoch = Timing.Median(cached);
            var liveTotal = liveEpoch * o.Epochs;
            var result = new Dictionary<string, object>
            {
                ["benchmark"] = "tapcache",
                ["extract_seconds"] = Math.Round(extract, 3),
                ["collect_epoch_seconds"] = Math.Round(collect, 3),
                ["live_epoch_seconds"] = Math.Round(liveEpoch, 3),
                ["cached_epoch_seconds"] = Math.Round(cachedEpoch, 3),
                ["bypass_only_epoch_seconds"] = Math.Round(Timing.Median(floor), 3),
                ["read_epoch_seconds"] = Math.Round(read, 3),
                ["epochs"] = o.Epochs,
                ["speedup"] = Math.Round(liveTotal / (extract + cached.Sum()), 3),
                ["cached_vs_live_epoch"] = Math.Round(liveEpoch / cachedEpoch, 3),
                ["cached_vs_floor"] = Math.Round(cachedEpoch / Timing.Median(floor), 3),
                ["tasks"] = o.Tasks,
                ["tasks_cached_epoch_seconds"] = Math.Round(tasksEpoch, 3),
                ["tasks_speedup"] = Math.Round(o.Tasks * liveTotal / (extract + tasksEpoch * o.Epochs), 3),
                ["cache_bytes"] = cache.Bytes,
                ["cache_bytes_per_example"] = cache.Bytes / o.Examples,
                ["cache_dtype"] = o.Dtype,
                ["storage"] = o.Storage,
                ["live_epochs_measured"] = live.Count,
                ["model"] = o.Model,
                ["image"] = o.Image,
                ["examples"] = o.Examples,
                ["batch"] = o.Batch,
                ["adapter"] = o.Adapter,
                ["threads"] = get_num_threads(),
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        finally
        {
            if (o.Dir is null && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static ResTuningBypass NewBypass(ITapSource source, VitConfig config, int adapter)
    {
        var bypass = new ResTuningBypass(source, BypassStages.Adapters(source.TapNames.Count - 1, config.EmbedDim, adapter), new ClassTokenHead(config.EmbedDim, Classes));
        using (no_grad())
            foreach (var (name, p) in bypass.named_parameters().Where(p => p.name.Contains("up"))) p.normal_(0, 0.01);
        return bypass;
    }

    /// <summary>One AdamW step on a batch: <c>(indices, logits) =&gt; ()</c>.</summary>
    private static Action<long[], Func<Tensor>> Trainer(ResTuningBypass bypass, Tensor labels)
    {
        var optimizer = new LeanAdamW(bypass.parameters(), 1e-3);
        return (indices, logits) =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(logits(), labels.index_select(0, tensor(indices)));
            loss.backward();
            optimizer.step();
        };
    }

    private static long[][] Order(int examples, int batch, int epoch)
    {
        var order = Enumerable.Range(0, examples).Select(i => (long)i).ToArray();
        new Random(epoch).Shuffle(order);
        return order.Chunk(batch).ToArray();
    }

    private static double Seconds(Action action) => Timing.Milliseconds(action) / 1000;

    private static void Log(TapCacheBenchOptions o, string line)
    {
        if (o.Json) Console.Error.WriteLine(line);
        else Console.WriteLine(line);
    }
}
