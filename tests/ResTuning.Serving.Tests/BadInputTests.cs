using System.Diagnostics;
using System.Net;
using System.Net.Http;
using ResTuning.Serving.Tests.Support;

namespace ResTuning.Serving.Tests;

/// <summary>Server with small limits: 64 KiB bodies, 256 × 256 pixels.</summary>
public sealed class LimitedServer : ServerFixture
{
    public const int MaxBytes = 64 * 1024;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["Serving:MaxBodyBytes"] = MaxBytes.ToString(),
        ["Serving:MaxPixels"] = (256 * 256).ToString(),
    };
}

/// <summary>Every bad input is a quick RFC 7807 4xx naming what was wrong, and the server keeps answering.</summary>
public sealed class BadInputTests : IClassFixture<LimitedServer>
{
    private readonly LimitedServer server;

    public BadInputTests(LimitedServer server) => this.server = server;

    public static IEnumerable<object[]> Cases()
    {
        var png = TestImages.Png(32, 32);
        yield return new object[] { "empty body", Array.Empty<byte>(), "image/png", "", 400, "empty-body" };
        yield return new object[] { "not an image", "hello, this is text"u8.ToArray(), "image/png", "", 400, "not-an-image" };
        yield return new object[] { "a GIF", "GIF89a\x01\x00\x01\x00"u8.ToArray(), "application/octet-stream", "", 400, "not-an-image" };
        yield return new object[] { "truncated PNG (header intact)", png[..(png.Length / 2)], "image/png", "", 400, "undecodable-image" };
        yield return new object[] { "truncated PNG (inside the header)", png[..20], "image/png", "", 400, "undecodable-image" };
        yield return new object[] { "over the byte limit", TestImages.Png(200, 200, seed: 4), "image/png", "", 413, "body-too-large" };
        yield return new object[] { "over the pixel limit", Flat(300, 300), "image/png", "", 413, "too-many-pixels" };
        yield return new object[] { "unknown task", png, "image/png", "?tasks=fashion-mnist,nope", 400, "unknown-task" };
        yield return new object[] { "repeated task", png, "image/png", "?tasks=two-class-demo,two-class-demo", 400, "repeated-task" };
        yield return new object[] { "wrong content type", png, "text/plain", "", 415, "unsupported-media-type" };
        yield return new object[] { "no content type", png, null!, "", 415, "unsupported-media-type" };
    }

    // A flat grey image compresses to a few hundred bytes: over the pixel limit, under the byte limit.
    private static byte[] Flat(int width, int height) => TestImages.Png(new byte[width * height], width, height, 1);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_details_4xx(string what, byte[] body, string? contentType, string query, int status, string code)
    {
        var clock = Stopwatch.StartNew();
        var response = await server.Client.Predict(body, query, contentType!);
        Assert.True((int)response.StatusCode == status, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Json();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.True(clock.ElapsedMilliseconds < 5000, $"{what} took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.Predict(TestImages.Png(32, 32), "")).StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_4xx()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await server.Client.GetAsync("/predict")).StatusCode);
        var delete = await server.Client.DeleteAsync("/tasks/never-served");
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal("unknown-task", (await delete.Json()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_rejections_are_counted_as_rejected_never_as_errors()
    {
        await server.Client.Predict(Array.Empty<byte>(), "");
        var text = await server.Client.GetStringAsync("/metrics");
        Assert.Matches(@"restuning_requests_total\{outcome=""rejected""\} [1-9]", text);
        Assert.DoesNotContain("outcome=\"error\"", text);
    }
}
