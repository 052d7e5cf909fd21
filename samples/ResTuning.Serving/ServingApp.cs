using System;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ResTuning.Serving.Batching;
using ResTuning.Serving.Endpoints;
using ResTuning.Serving.Monitoring;

namespace ResTuning.Serving;

/// <summary>Builds the server: options, the inference worker, problem details, and the routes.</summary>
public static class ServingApp
{
    /// <summary>The HTTP port when none is configured (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>); the container's port.</summary>
    public const int DefaultPort = 8080;

    /// <summary>Creates the application from command-line <paramref name="args"/> (and the usual configuration sources).</summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        Configure(builder);
        var app = builder.Build();
        Map(app);
        return app;
    }

    /// <summary>Registers the services.</summary>
    public static void Configure(WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
        // The same port from any working directory (appsettings.json is found only from the project's folder).
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls($"http://0.0.0.0:{DefaultPort}");
        builder.Services.Configure<ServingOptions>(builder.Configuration.GetSection(ServingOptions.Section));
        // Kestrel's own limit backs up RequestBody's (one byte over, so RequestBody answers with its problem details).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxBodyBytes, options.MaxCheckpointBytes) + 1);
        // Two log lines per request cost more than a prediction's bookkeeping; /metrics counts requests instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton<ServingMetrics>();
        builder.Services.AddSingleton<InferenceWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<InferenceWorker>());
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
    }

    /// <summary>Maps the routes.</summary>
    public static void Map(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapPost(PredictEndpoint.Route, PredictEndpoint.Handle);
        app.MapGet(TaskEndpoints.Route, TaskEndpoints.List);
        app.MapPut(TaskEndpoints.Route + "/{name}", TaskEndpoints.Put);
        app.MapDelete(TaskEndpoints.Route + "/{name}", TaskEndpoints.Delete);
        app.MapGet(HealthEndpoints.Live, HealthEndpoints.Healthz);
        app.MapGet(HealthEndpoints.Ready, HealthEndpoints.Readyz);
        app.MapGet(HealthEndpoints.Metrics, HealthEndpoints.Scrape);
    }
}
