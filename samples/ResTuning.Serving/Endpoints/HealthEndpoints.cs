using Microsoft.AspNetCore.Http;
using ResTuning.Serving.Batching;
using ResTuning.Serving.Monitoring;

namespace ResTuning.Serving.Endpoints;

/// <summary>Liveness (<c>/healthz</c>: the worker runs), readiness (<c>/readyz</c>: model and tasks loaded) and <c>/metrics</c>.</summary>
public static class HealthEndpoints
{
    /// <summary>The liveness route (the Kubernetes liveness probe).</summary>
    public const string Live = "/healthz";

    /// <summary>The readiness route (the Kubernetes readiness probe).</summary>
    public const string Ready = "/readyz";

    /// <summary>The Prometheus route.</summary>
    public const string Metrics = "/metrics";

    /// <summary>200 while the worker runs (also while loading); 503 once it failed.</summary>
    public static IResult Healthz(InferenceWorker worker) => worker.Failure is { } failure
        ? Problems.Create(503, "worker-failed", "Worker failed", failure)
        : Results.Json(new { status = "alive" });

    /// <summary>200 once the backbone and at least one task are loaded.</summary>
    public static IResult Readyz(InferenceWorker worker) => worker.Ready
        ? Results.Json(new { status = "ready", tasks = worker.Current.Tasks.Count })
        : Problems.Create(503, "not-ready", "Not ready", worker.Failure ?? "Loading the backbone and tasks.");

    /// <summary>The metrics in Prometheus' text format.</summary>
    public static IResult Scrape(InferenceWorker worker, ServingMetrics metrics) =>
        Results.Text(metrics.Render(worker.Current, worker.Queue.Depth), ServingMetrics.ContentType);
}
