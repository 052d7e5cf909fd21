using System.IO;
using System.Net.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace ResTuning.Serving.Tests.Support;

/// <summary>
/// One in-process server (TestServer) on the seeded random ResNet-18 at 32 px, its task folder seeded with the default
/// tasks (<c>fashion-mnist</c>, <c>two-class-demo</c>); subclasses change the options.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    /// <summary>The image side the tests serve.</summary>
    public const int Size = 32;

    /// <summary>The seed of the backbone.</summary>
    public const int Seed = 7;

    private WebApplicationFactory<Program>? factory;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "restuning-serving-tests", Guid.NewGuid().ToString("N"));

    public HttpClient Client { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory => factory!;

    /// <summary>Options beyond the defaults of every fixture.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => Array.Empty<KeyValuePair<string, string?>>();

    /// <summary>Called before the server starts (e.g. to put files in the task folder).</summary>
    protected virtual void Prepare()
    {
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        Prepare();
        var settings = new Dictionary<string, string?>
        {
            ["Serving:Backbone"] = ServingBackbone.Random,
            ["Serving:Seed"] = Seed.ToString(),
            ["Serving:ImageSize"] = Size.ToString(),
            ["Serving:TaskFolder"] = Folder,
            ["Serving:WatchTaskFolder"] = "false",
            ["Serving:MaxBatchSize"] = "8",
            ["Serving:MaxWaitMs"] = "40",
        };
        foreach (var (key, value) in Settings()) settings[key] = value;
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings)));
        Client = factory.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Client.GetAsync("/readyz")).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The server did not become ready in 60 s.");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
