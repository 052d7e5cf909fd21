using System;

namespace ResTuning.Serving.Images;

/// <summary>
/// A request the server refuses with a 4xx (or 503) problem details answer: <see cref="Status"/>, a short
/// <see cref="Title"/>, a machine-readable <see cref="Code"/> and the message as the detail.
/// </summary>
public sealed class RequestRejectedException : Exception
{
    /// <summary>Creates the rejection.</summary>
    /// <param name="status">HTTP status code.</param>
    /// <param name="code">Machine-readable reason, e.g. <c>not-an-image</c>.</param>
    /// <param name="title">Short summary.</param>
    /// <param name="detail">What exactly was wrong.</param>
    public RequestRejectedException(int status, string code, string title, string detail) : base(detail)
    {
        Status = status;
        Code = code;
        Title = title;
    }

    /// <summary>HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Machine-readable reason (the problem's <c>code</c> extension).</summary>
    public string Code { get; }

    /// <summary>Short summary (the problem's <c>title</c>).</summary>
    public string Title { get; }
}
