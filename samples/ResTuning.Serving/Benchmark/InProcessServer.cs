using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;

namespace ResTuning.Serving.Benchmark;

/// <summary>The server started in this process on a free loopback port, for the benchmarks to drive over real HTTP.</summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private InProcessServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>Starts a server with <paramref name="arguments"/> (command-line form, e.g. <c>--Serving:ImageSize=80</c>) and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<InProcessServer> StartAsync(IEnumerable<string> arguments)
    {
        var port = FreePort();
        var app = ServingApp.Create(new[] { $"--urls=http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning" }.Concat(arguments).ToArray());
        await app.StartAsync();
        var server = new InProcessServer(app, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = server.Address };
        while ((await probe.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK) await Task.Delay(100);
        return server;
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
