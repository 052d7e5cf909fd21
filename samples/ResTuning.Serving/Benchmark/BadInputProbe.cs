using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace ResTuning.Serving.Benchmark;

/// <summary>Sends each kind of bad input once (while a load runs) and records its status and latency: all should be 4xx, fast.</summary>
public static class BadInputProbe
{
    /// <summary>Name, status and milliseconds of each bad request.</summary>
    public static async Task<IReadOnlyList<(string Name, int Status, double Ms)>> RunAsync(Uri baseAddress, int size)
    {
        var rgb = new byte[size * size * 3];
        var png = PngEncoder.Rgb(rgb, size, size);
        var cases = new (string Name, byte[] Body, string? ContentType, string Query)[]
        {
            ("empty body", Array.Empty<byte>(), "image/png", ""),
            ("not an image", "plain text, not pixels"u8.ToArray(), "image/png", ""),
            ("truncated PNG", png[..(png.Length / 2)], "image/png", ""),
            ("over the pixel limit", PngEncoder.Rgb(new byte[5000 * 4000 * 3], 5000, 4000), "image/png", ""),
            ("unknown task", png, "image/png", "?tasks=no-such-task"),
            ("wrong content type", png, "text/plain", ""),
        };
        using var client = new HttpClient { BaseAddress = baseAddress };
        var results = new List<(string, int, double)>();
        foreach (var (name, body, contentType, query) in cases)
        {
            using var content = new ByteArrayContent(body);
            if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            var start = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("/predict" + query, content);
            await response.Content.ReadAsByteArrayAsync();
            results.Add((name, (int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }
        return results;
    }
}
