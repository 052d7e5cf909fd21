using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using ResTuning.Serving.Images;

namespace ResTuning.Serving.Endpoints;

/// <summary>Reads a request body within the byte limit, and checks content types.</summary>
public static class RequestBody
{
    /// <summary>The body, refused (413) past <paramref name="maxBytes"/> without reading further, or (400) when empty.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellation)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
            throw TooLarge(declared, maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(null, maxBytes);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            throw new RequestRejectedException(400, "empty-body", "Empty body", "The request body is empty.");
        return buffer.ToArray();
    }

    /// <summary>Refuses (415) a content type other than <paramref name="allowed"/>; a missing one too.</summary>
    public static void RequireContentType(HttpRequest request, params string[] allowed)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            foreach (var candidate in allowed)
                if (type.MediaType.Equals(candidate, System.StringComparison.OrdinalIgnoreCase)) return;
        }
        throw new RequestRejectedException(415, "unsupported-media-type", "Unsupported content type",
            $"Content-Type '{request.ContentType ?? "(none)"}' is not accepted here; send {string.Join(" or ", allowed)}.");
    }

    private static RequestRejectedException TooLarge(long? declared, long maxBytes) =>
        new(413, "body-too-large", "Body too large", declared is { } n
            ? $"The body is {n} bytes; the limit is {maxBytes}."
            : $"The body is over the limit of {maxBytes} bytes.");
}
