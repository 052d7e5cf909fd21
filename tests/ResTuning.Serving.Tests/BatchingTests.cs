using System.Net;
using System.Net.Http;
using ResTuning.Serving.Tests.Support;

namespace ResTuning.Serving.Tests;

/// <summary>Waits up to 150 ms for a batch of up to 8; one request may wait in the queue.</summary>
public sealed class BatchingServer : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["Serving:MaxWaitMs"] = "150",
    };
}

/// <summary>Dynamic batching: concurrent requests share a backbone pass and get what they get alone.</summary>
public sealed class BatchingTests : IClassFixture<BatchingServer>
{
    private readonly BatchingServer server;

    public BatchingTests(BatchingServer server) => this.server = server;

    [Fact]
    public async Task Batched_logits_equal_the_logits_of_each_request_alone()
    {
        var images = Enumerable.Range(0, 8).Select(i => TestImages.Png(32 + i, 32, seed: 100 + i)).ToArray();
        var alone = new List<System.Text.Json.JsonElement>();
        foreach (var image in images)
        {
            var answer = await (await server.Client.Predict(image)).Json();
            Assert.Equal(1, answer.GetProperty("batchSize").GetInt32());
            alone.Add(answer);
        }
        var together = await Task.WhenAll(images.Select(async image => await (await server.Client.Predict(image)).Json()));
        Assert.Contains(together, a => a.GetProperty("batchSize").GetInt32() > 1);
        for (var i = 0; i < images.Length; i++)
            foreach (var task in new[] { "fashion-mnist", "two-class-demo" })
                Http.Close(Http.Logits(alone[i], task), Http.Logits(together[i], task), 1e-5);
    }

    [Fact]
    public async Task A_full_batch_runs_at_once_without_waiting_for_the_window()
    {
        var metricsBefore = await server.Client.GetStringAsync("/metrics");
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i => await (await server.Client.Predict(TestImages.Png(32, 32, seed: i), "?tasks=fashion-mnist")).Json()));
        Assert.All(answers, a => Assert.InRange(a.GetProperty("batchSize").GetInt32(), 1, 8));
        Assert.Contains(answers, a => a.GetProperty("batchSize").GetInt32() > 1);
        Assert.NotEqual(metricsBefore, await server.Client.GetStringAsync("/metrics"));
    }
}

/// <summary>One queue slot, a 3 s batch window and a 1.5 s request time-out: waiting requests are easy to catch.</summary>
public sealed class OneSlotServer : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["Serving:MaxQueue"] = "1",
        ["Serving:MaxWaitMs"] = "3000",
        ["Serving:RequestTimeoutMs"] = "1500",
    };
}

/// <summary>A client that goes away, or a request that times out, frees its queue slot at once.</summary>
public sealed class SlotTests : IClassFixture<OneSlotServer>
{
    private readonly OneSlotServer server;

    public SlotTests(OneSlotServer server) => this.server = server;

    [Fact]
    public async Task Cancellation_and_timeout_free_the_slot()
    {
        var image = TestImages.Png(32, 32);
        using var gone = new CancellationTokenSource();
        var first = server.Client.Predict(image, "", cancellation: gone.Token);
        await WaitForDepth(1);
        // The slot is taken: a second request is refused at once.
        var second = await server.Client.Predict(image, "");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal("overloaded", (await second.Json()).GetProperty("code").GetString());
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await WaitForDepth(0);

        // The freed slot takes the next request; it waits for the batch window, past its own time-out.
        var third = await server.Client.Predict(image, "");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal("timeout", (await third.Json()).GetProperty("code").GetString());
        await WaitForDepth(0);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("restuning_requests_total{outcome=\"cancelled\"} 1", metrics);
        Assert.Contains("restuning_requests_total{outcome=\"timeout\"} 1", metrics);
    }

    private async Task WaitForDepth(int depth)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(await server.Client.GetStringAsync("/metrics")).Contains($"restuning_queue_depth {depth}\n"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"queue depth never became {depth}");
            await Task.Delay(20);
        }
    }
}
