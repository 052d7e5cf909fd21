using System.IO;
using System.Net;
using ResTuning.Serving.Models;
using ResTuning.Serving.Tests.Support;

namespace ResTuning.Serving.Tests;

/// <summary>
/// A bypass task (<c>fashion-mnist</c>, 10 classes) and a LoRA task (<c>lora-task.lora.safetensors</c>, 3 classes) in the
/// folder; 150 ms batch window.
/// </summary>
public sealed class ParallelTaskServer : ServerFixture
{
    public const string LoraTask = "lora-task";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["Serving:MaxWaitMs"] = "150",
    };

    protected override void Prepare()
    {
        using var reference = new Reference(Seed);
        reference.WriteCheckpoint(Path.Combine(Folder, "fashion-mnist.safetensors"), 10, seed: 10);
        reference.WriteParallelCheckpoint(Path.Combine(Folder, LoraTask + ".lora.safetensors"), TaskKind.LoRA, 3, seed: 11);
    }
}

/// <summary>A parallel-tuned model served as its own task: its own backbone pass, said so in the answer.</summary>
public sealed class ParallelTaskTests : IClassFixture<ParallelTaskServer>, IDisposable
{
    private readonly ParallelTaskServer server;
    private readonly Reference reference = new(ServerFixture.Seed);
    private readonly string scratch = Path.Combine(Path.GetTempPath(), "restuning-serving-tests", Guid.NewGuid().ToString("N"));

    public ParallelTaskTests(ParallelTaskServer server)
    {
        this.server = server;
        Directory.CreateDirectory(scratch);
    }

    [Fact]
    public async Task A_folder_lora_task_answers_its_own_logits_on_its_own_pass_beside_the_shared_ones()
    {
        var rgb = TestImages.Pixels(ServerFixture.Size, ServerFixture.Size, 3, seed: 5);
        var answer = await (await server.Client.Predict(TestImages.Png(rgb, ServerFixture.Size, ServerFixture.Size, 3))).Json();
        Assert.Equal("own", Http.Prediction(answer, ParallelTaskServer.LoraTask).GetProperty("pass").GetString());
        Assert.Equal("shared", Http.Prediction(answer, "fashion-mnist").GetProperty("pass").GetString());
        var expected = reference.ParallelLogits(Path.Combine(server.Folder, ParallelTaskServer.LoraTask + ".lora.safetensors"), TaskKind.LoRA, 3, rgb, ServerFixture.Size);
        Http.Close(expected, Http.Logits(answer, ParallelTaskServer.LoraTask), 1e-4);

        var tasks = await (await server.Client.GetAsync("/tasks")).Json();
        var info = tasks.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("name").GetString() == ParallelTaskServer.LoraTask);
        Assert.Equal("lora", info.GetProperty("kind").GetString());
        Assert.Equal("own", info.GetProperty("pass").GetString());
    }

    [Fact]
    public async Task Batched_logits_of_the_parallel_task_equal_its_logits_alone()
    {
        var images = Enumerable.Range(0, 6).Select(i => TestImages.Png(32 + i, 32, seed: 200 + i)).ToArray();
        var query = $"?tasks={ParallelTaskServer.LoraTask},fashion-mnist&logits=true";
        var alone = new List<System.Text.Json.JsonElement>();
        foreach (var image in images)
        {
            var answer = await (await server.Client.Predict(image, query)).Json();
            Assert.Equal(1, answer.GetProperty("batchSize").GetInt32());
            alone.Add(answer);
        }
        var together = await Task.WhenAll(images.Select(async image => await (await server.Client.Predict(image, query)).Json()));
        Assert.Contains(together, a => a.GetProperty("batchSize").GetInt32() > 1);
        for (var i = 0; i < images.Length; i++)
        {
            Http.Close(Http.Logits(alone[i], ParallelTaskServer.LoraTask), Http.Logits(together[i], ParallelTaskServer.LoraTask), 1e-5);
            Http.Close(Http.Logits(alone[i], "fashion-mnist"), Http.Logits(together[i], "fashion-mnist"), 1e-5);
        }
    }

    [Fact]
    public async Task A_restuning_task_is_added_by_put_with_its_kind_and_a_wrong_kind_is_refused()
    {
        var path = Path.Combine(scratch, "rt.safetensors");
        reference.WriteParallelCheckpoint(path, TaskKind.ResTuning, 4, seed: 12);
        var bytes = File.ReadAllBytes(path);

        // Without ?kind= it is read as a bypass checkpoint: refused with the reason.
        var wrong = await server.Client.PutAsync("/tasks/rt-task", Http.Body(bytes, "application/octet-stream"));
        Assert.Equal((HttpStatusCode)422, wrong.StatusCode);
        Assert.Contains("bypass.head.fc.weight", (await wrong.Json()).GetProperty("detail").GetString());
        var unknown = await server.Client.PutAsync("/tasks/rt-task?kind=prefix", Http.Body(bytes, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var put = await server.Client.PutAsync("/tasks/rt-task?kind=restuning", Http.Body(bytes, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var info = await put.Json();
        Assert.Equal("restuning", info.GetProperty("kind").GetString());
        Assert.Equal(4, info.GetProperty("classes").GetInt32());

        var rgb = TestImages.Pixels(ServerFixture.Size, ServerFixture.Size, 3, seed: 6);
        var answer = await (await server.Client.Predict(TestImages.Png(rgb, ServerFixture.Size, ServerFixture.Size, 3), "?tasks=rt-task&logits=true")).Json();
        Assert.Equal("own", Http.Prediction(answer, "rt-task").GetProperty("pass").GetString());
        Http.Close(reference.ParallelLogits(path, TaskKind.ResTuning, 4, rgb, ServerFixture.Size), Http.Logits(answer, "rt-task"), 1e-4);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync("/tasks/rt-task")).StatusCode);
    }

    public void Dispose()
    {
        reference.Dispose();
        try { Directory.Delete(scratch, recursive: true); }
        catch (IOException) { }
    }
}
