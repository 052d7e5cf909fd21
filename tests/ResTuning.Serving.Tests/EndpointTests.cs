using System.IO;
using System.Net;
using ResTuning.Serving.Tests.Support;

namespace ResTuning.Serving.Tests;

/// <summary>Each endpoint, and predictions against the task models computed apart from the server.</summary>
public sealed class EndpointTests : IClassFixture<ServerFixture>
{
    private readonly ServerFixture server;

    public EndpointTests(ServerFixture server) => this.server = server;

    [Fact]
    public async Task Health_readiness_and_the_task_list_describe_the_seeded_tasks()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        var ready = await (await server.Client.GetAsync("/readyz")).Json();
        Assert.Equal(2, ready.GetProperty("tasks").GetInt32());
        var list = await (await server.Client.GetAsync("/tasks")).Json();
        Assert.Equal(ServingBackbone.Random, list.GetProperty("backbone").GetString());
        Assert.Equal(ServerFixture.Size, list.GetProperty("imageSize").GetInt32());
        var tasks = list.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(new[] { "fashion-mnist", "two-class-demo" }, tasks.Keys.Order());
        Assert.Equal(10, tasks["fashion-mnist"].GetProperty("classes").GetInt32());
        Assert.Equal("Ankle boot", tasks["fashion-mnist"].GetProperty("labels")[9].GetString());
        Assert.Equal(new[] { "no", "yes" }, tasks["two-class-demo"].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.StartsWith("sha256:", tasks["two-class-demo"].GetProperty("integrity").GetString());
    }

    [Fact]
    public async Task Predict_answers_every_task_from_one_pass_equal_to_each_task_alone()
    {
        var rgb = TestImages.Pixels(ServerFixture.Size, ServerFixture.Size, 3, seed: 11);
        var response = await server.Client.Predict(TestImages.Png(rgb, ServerFixture.Size, ServerFixture.Size, 3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Json();
        using var reference = new Reference(ServerFixture.Seed);
        foreach (var (task, classes) in new[] { ("fashion-mnist", 10), ("two-class-demo", 2) })
        {
            var expected = reference.Logits(Path.Combine(server.Folder, task + ".safetensors"), classes, rgb, ServerFixture.Size);
            Http.Close(expected, Http.Logits(answer, task), 1e-4);
            var prediction = Http.Prediction(answer, task);
            var probabilities = prediction.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(1.0, probabilities.Sum(), 5);
            Assert.Equal(Array.IndexOf(expected, expected.Max()), prediction.GetProperty("index").GetInt32());
        }
        // One request, one backbone pass for both tasks.
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("# TYPE restuning_batch_size histogram", metrics);
    }

    [Fact]
    public async Task Tasks_query_selects_and_orders_tasks_and_logits_are_only_given_when_asked()
    {
        var image = TestImages.Png(40, 24, seed: 3);
        var answer = await (await server.Client.Predict(image, "?tasks=two-class-demo")).Json();
        var prediction = Assert.Single(answer.GetProperty("predictions").EnumerateArray());
        Assert.Equal("two-class-demo", prediction.GetProperty("task").GetString());
        Assert.Contains(prediction.GetProperty("label").GetString(), new[] { "no", "yes" });
        Assert.False(prediction.TryGetProperty("logits", out _));
        var both = await (await server.Client.Predict(image, "?tasks=two-class-demo,fashion-mnist")).Json();
        Assert.Equal(new[] { "two-class-demo", "fashion-mnist" }, both.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("task").GetString()));
    }

    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(4, 32, 32)]
    [InlineData(3, 57, 13)]
    [InlineData(1, 1, 1)]
    public async Task Grey_rgba_and_odd_sized_images_are_converted(int channels, int width, int height)
    {
        var response = await server.Client.Predict(TestImages.Png(width, height, channels, seed: width));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Json()).GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task A_grey_image_is_served_as_its_three_channel_copy()
    {
        var grey = TestImages.Pixels(ServerFixture.Size, ServerFixture.Size, 1, seed: 5);
        var rgb = grey.SelectMany(v => new[] { v, v, v }).ToArray();
        var fromGrey = await (await server.Client.Predict(TestImages.Png(grey, ServerFixture.Size, ServerFixture.Size, 1))).Json();
        var fromRgb = await (await server.Client.Predict(TestImages.Png(rgb, ServerFixture.Size, ServerFixture.Size, 3))).Json();
        Http.Close(Http.Logits(fromRgb, "fashion-mnist"), Http.Logits(fromGrey, "fashion-mnist"), 1e-5);
    }

    [Fact]
    public async Task A_jpeg_is_accepted_under_its_content_type_and_as_octet_stream()
    {
        var jpeg = TestImages.Jpeg(48, 48);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.Predict(jpeg, "", "image/jpeg")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.Predict(jpeg, "", "application/octet-stream")).StatusCode);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_requests_batches_latency_and_tasks()
    {
        await server.Client.Predict(TestImages.Png(32, 32, seed: 9), "?tasks=fashion-mnist");
        var response = await server.Client.GetAsync("/metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Matches(@"restuning_requests_total\{outcome=""ok""\} [1-9]", text);
        Assert.Matches(@"restuning_batch_size_count [1-9]", text);
        Assert.Matches(@"restuning_request_duration_seconds_bucket\{le=""\+Inf""\} [1-9]", text);
        Assert.Matches(@"restuning_task_request_duration_seconds_count\{task=""fashion-mnist""\} [1-9]", text);
        Assert.Contains("restuning_task_version{task=\"two-class-demo\"}", text);
        // Every sample line is "name{labels} value" or "name value" with a number.
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
            Assert.Matches(@"^[a-z_]+(\{[^}]*\})? [0-9.eE+-]+$", line);
    }
}
