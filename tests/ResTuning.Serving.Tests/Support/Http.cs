using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ResTuning.Serving.Tests.Support;

/// <summary>Request helpers.</summary>
public static class Http
{
    public static ByteArrayContent Body(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static Task<HttpResponseMessage> Predict(this HttpClient client, byte[] image, string query = "?logits=true", string contentType = "image/png", CancellationToken cancellation = default) =>
        client.PostAsync("/predict" + query, Body(image, contentType), cancellation);

    public static async Task<JsonElement> Json(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The logits of <paramref name="task"/> in a <c>/predict</c> answer.</summary>
    public static float[] Logits(JsonElement answer, string task) => Prediction(answer, task).GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    public static JsonElement Prediction(JsonElement answer, string task) =>
        answer.GetProperty("predictions").EnumerateArray().Single(p => p.GetProperty("task").GetString() == task);

    public static void Close(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"max |difference| {worst} > {tolerance}");
    }
}
