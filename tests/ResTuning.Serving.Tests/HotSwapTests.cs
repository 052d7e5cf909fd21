using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net;
using ResTuning.Checkpoints;
using ResTuning.Serving.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Serving.Tests;

/// <summary>PUT and DELETE on tasks: atomic swaps under load, refused checkpoints, new and removed tasks.</summary>
public sealed class HotSwapTests : IClassFixture<ServerFixture>, IDisposable
{
    private readonly ServerFixture server;
    private readonly Reference reference = new(ServerFixture.Seed);
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "restuning-serving-tests", Guid.NewGuid().ToString("N"));
    private readonly byte[] rgb = TestImages.Pixels(ServerFixture.Size, ServerFixture.Size, 3, seed: 42);

    public HotSwapTests(ServerFixture server)
    {
        this.server = server;
        Directory.CreateDirectory(scratch);
    }

    private byte[] Image => TestImages.Png(rgb, ServerFixture.Size, ServerFixture.Size, 3);

    private string Checkpoint(string name, int classes, int seed)
    {
        var path = Path.Combine(scratch, name + ".safetensors");
        reference.WriteCheckpoint(path, classes, seed);
        return path;
    }

    private Task<System.Net.Http.HttpResponseMessage> Put(string task, byte[] body, string query = "") =>
        server.Client.PutAsync($"/tasks/{task}{query}", Http.Body(body, "application/octet-stream"));

    [Fact]
    public async Task A_swap_under_concurrent_requests_fails_none_and_each_answer_is_wholly_old_or_new()
    {
        var oldPath = Checkpoint("old", 3, seed: 1);
        var newPath = Checkpoint("new", 3, seed: 2);
        Assert.Equal(HttpStatusCode.Created, (await Put("swap-me", File.ReadAllBytes(oldPath), "?labels=a,b,c")).StatusCode);
        var expected = new Dictionary<int, float[]>
        {
            [1] = reference.Logits(oldPath, 3, rgb, ServerFixture.Size),
            [2] = reference.Logits(newPath, 3, rgb, ServerFixture.Size),
        };
        Assert.True(expected[1].Zip(expected[2], (a, b) => Math.Abs(a - b)).Max() > 1e-3, "the two checkpoints must answer differently");

        var answers = new ConcurrentBag<(long Sent, int Status, System.Text.Json.JsonElement Body)>();
        long swapped = long.MaxValue;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                var response = await server.Client.Predict(Image, "?tasks=swap-me&logits=true");
                answers.Add((sent, (int)response.StatusCode, await response.Json()));
            }
        })).ToArray();
        while (answers.Count < 8) await Task.Delay(10);
        var put = await Put("swap-me", File.ReadAllBytes(newPath));
        Interlocked.Exchange(ref swapped, Stopwatch.GetTimestamp());
        var count = answers.Count;
        while (answers.Count < count + 8) await Task.Delay(10);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var info = await put.Json();
        Assert.Equal(2, info.GetProperty("version").GetInt32());
        Assert.Equal("b", info.GetProperty("labels")[1].GetString());   // kept: same class count, no new labels
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        foreach (var (sent, _, body) in answers)
        {
            var prediction = Http.Prediction(body, "swap-me");
            var version = prediction.GetProperty("version").GetInt32();
            Http.Close(expected[version], Http.Logits(body, "swap-me"), 1e-4);
            if (sent > swapped) Assert.Equal(2, version);
        }
        Assert.Contains(answers, a => Http.Prediction(a.Body, "swap-me").GetProperty("version").GetInt32() == 1);
        Assert.Contains(answers, a => Http.Prediction(a.Body, "swap-me").GetProperty("version").GetInt32() == 2);
    }

    public static IEnumerable<object[]> BadCheckpoints() => new[]
    {
        new object[] { "corrupt", "integrity" },
        new object[] { "nan", "non-finite" },
        new object[] { "shape", "shape" },
        new object[] { "labels", "labels" },
        new object[] { "not-safetensors", "checkpoint" },
        new object[] { "other-model", "bypass.head.fc.weight" },
    };

    [Theory]
    [MemberData(nameof(BadCheckpoints))]
    public async Task A_checkpoint_failing_verification_is_refused_with_the_reason_and_the_old_tuners_keep_serving(string kind, string reason)
    {
        var task = "keep-" + kind;
        var good = Checkpoint(task, 4, seed: 3);
        Assert.Equal(HttpStatusCode.Created, (await Put(task, File.ReadAllBytes(good))).StatusCode);
        var expected = reference.Logits(good, 4, rgb, ServerFixture.Size);
        var query = "";
        byte[] bad;
        switch (kind)
        {
            case "corrupt":
                bad = File.ReadAllBytes(Checkpoint("corrupt", 4, seed: 4));
                bad[^3] ^= 0x40;
                break;
            case "nan":
                bad = Rewrite(Checkpoint("nan", 4, seed: 5), (name, t) => name == "bypass.head.fc.bias" ? t.clone().fill_(float.NaN) : t);
                break;
            case "shape":
                bad = Rewrite(Checkpoint("shape", 4, seed: 6), (name, t) => name == "bypass.stages.0.lateral.inner.inner.down.weight" ? zeros(16, 64) : t);
                break;
            case "labels":
                bad = File.ReadAllBytes(Checkpoint("labels", 4, seed: 7));
                query = "?labels=only,three,labels";
                break;
            case "not-safetensors":
                bad = TestImages.Png(8, 8);
                break;
            default:
                bad = Rewrite(Checkpoint("other", 4, seed: 8), (name, t) => t, drop: "bypass.head.fc.weight");
                break;
        }
        var response = await Put(task, bad, query);
        Assert.Equal(422, (int)response.StatusCode);
        var problem = await response.Json();
        Assert.Equal("checkpoint-refused", problem.GetProperty("code").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);

        var answer = await (await server.Client.Predict(Image, $"?tasks={task}&logits=true")).Json();
        Assert.Equal(1, Http.Prediction(answer, task).GetProperty("version").GetInt32());
        Http.Close(expected, Http.Logits(answer, task), 1e-4);
    }

    [Fact]
    public async Task Tasks_are_added_and_removed()
    {
        var path = Checkpoint("added", 5, seed: 9);
        var trimsBefore = await Trims();
        var created = await Put("added", File.ReadAllBytes(path));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // A task change frees the replaced weights' pages: the worker trims the native heap right after it (after it has
        // answered the PUT, so wait for the count to move).
        if (OperatingSystem.IsLinux())
        {
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (await Trims() <= trimsBefore && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.True(await Trims() > trimsBefore, "The worker did not trim the native heap after a task change.");
        }
        Assert.Equal("/tasks/added", created.Headers.Location!.OriginalString);
        Assert.Equal("4", (await created.Json()).GetProperty("labels")[4].GetString());   // no labels given: the class indices
        var answer = await (await server.Client.Predict(Image, "?tasks=added&logits=true")).Json();
        Http.Close(reference.Logits(path, 5, rgb, ServerFixture.Size), Http.Logits(answer, "added"), 1e-4);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync("/tasks/added")).StatusCode);
        Assert.DoesNotContain("\"added\"", await server.Client.GetStringAsync("/tasks"));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.Predict(Image, "?tasks=added")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.DeleteAsync("/tasks/added")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.Predict(Image, "")).StatusCode);
    }

    private async Task<long> Trims()
    {
        var line = (await server.Client.GetStringAsync("/metrics")).Split('\n').Single(l => l.StartsWith("restuning_native_heap_trims_total ", StringComparison.Ordinal));
        return long.Parse(line["restuning_native_heap_trims_total ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("good-name", "image/png", 415, "unsupported-media-type")]
    [InlineData("-starts-with-dash", "application/octet-stream", 400, "bad-task-name")]
    [InlineData("has..dots", null, 415, "unsupported-media-type")]
    public async Task A_bad_put_is_a_4xx(string name, string? contentType, int status, string code)
    {
        var response = await server.Client.PutAsync($"/tasks/{name}", Http.Body(File.ReadAllBytes(Checkpoint("put", 2, seed: 1)), contentType));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await response.Json()).GetProperty("code").GetString());
        var empty = await Put("good-name", Array.Empty<byte>());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    private byte[] Rewrite(string path, Func<string, Tensor, Tensor> change, string? drop = null)
    {
        var tensors = SafeTensorsFile.Read(path);
        var changed = tensors.Where(p => p.Key != drop).Select(p => new KeyValuePair<string, Tensor>(p.Key, change(p.Key, p.Value))).ToArray();
        var target = path + ".rewritten";
        SafeTensorsFile.Write(target, changed, new Dictionary<string, string> { [TunerCheckpoint.FormatKey] = TunerCheckpoint.FormatValue });
        foreach (var t in tensors.Values) t.Dispose();
        return File.ReadAllBytes(target);
    }

    public void Dispose()
    {
        reference.Dispose();
        try { Directory.Delete(scratch, recursive: true); }
        catch (IOException) { }
    }
}
