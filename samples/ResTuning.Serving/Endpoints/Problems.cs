using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using ResTuning.Serving.Images;

namespace ResTuning.Serving.Endpoints;

/// <summary>RFC 7807 problem details answers, each with a machine-readable <c>code</c> extension naming what was wrong.</summary>
public static class Problems
{
    /// <summary>The answer for <paramref name="rejection"/>.</summary>
    public static IResult From(RequestRejectedException rejection) =>
        Create(rejection.Status, rejection.Code, rejection.Title, rejection.Message);

    /// <summary>A problem answer.</summary>
    public static IResult Create(int status, string code, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
}
