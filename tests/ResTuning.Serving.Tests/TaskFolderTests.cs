using System.Diagnostics;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using ResTuning.Serving.Models;
using ResTuning.Serving.Tests.Support;

namespace ResTuning.Serving.Tests;

/// <summary>Watches its task folder, which holds a FIFO from the start.</summary>
public sealed class WatchingServer : ServerFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => new Dictionary<string, string?>
    {
        ["Serving:WatchTaskFolder"] = "true",
    };
}

/// <summary>The task folder: files written, replaced and deleted while serving; paths that are not regular files.</summary>
public sealed class TaskFolderTests : IClassFixture<WatchingServer>
{
    private readonly WatchingServer server;

    public TaskFolderTests(WatchingServer server) => this.server = server;

    [Fact]
    public async Task A_checkpoint_written_into_the_folder_is_served_and_its_deletion_removes_it()
    {
        using var reference = new Reference(ServerFixture.Seed);
        var staging = Path.Combine(server.Folder, "staging.tmp");
        reference.WriteCheckpoint(staging, 3, seed: 21);
        File.WriteAllLines(Path.Combine(server.Folder, "watched.labels.txt"), new[] { "x", "y", "z" });
        File.Move(staging, Path.Combine(server.Folder, "watched.safetensors"));
        await Until(async () => (await server.Client.GetStringAsync("/tasks")).Contains("\"watched\""));
        var answer = await (await server.Client.Predict(TestImages.Png(32, 32), "?tasks=watched")).Json();
        Assert.Contains(Http.Prediction(answer, "watched").GetProperty("label").GetString(), new[] { "x", "y", "z" });

        File.Delete(Path.Combine(server.Folder, "watched.safetensors"));
        await Until(async () => !(await server.Client.GetStringAsync("/tasks")).Contains("\"watched\""));
    }

    [Fact]
    public async Task A_fifo_or_a_directory_in_the_folder_is_refused_without_blocking()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(0, MakeFifo(Path.Combine(server.Folder, "fifo-task.safetensors"), 0x1B6));
        Directory.CreateDirectory(Path.Combine(server.Folder, "dir-task.safetensors"));
        await Until(async () =>
        {
            var metrics = await server.Client.GetStringAsync("/metrics");
            return metrics.Contains("restuning_task_swaps_total{task=\"fifo-task\",result=\"refused\"}")
                && metrics.Contains("restuning_task_swaps_total{task=\"dir-task\",result=\"refused\"}");
        });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.Predict(TestImages.Png(32, 32), "")).StatusCode);
    }

    [Fact]
    public async Task Reading_a_fifo_directory_or_empty_file_is_refused_at_once_and_a_regular_file_is_read()
    {
        var folder = Path.Combine(server.Folder, "..", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var empty = Path.Combine(folder, "empty");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        var paths = new List<string> { folder, empty, Path.Combine(folder, "missing") };
        if (!OperatingSystem.IsWindows())
        {
            var fifo = Path.Combine(folder, "fifo");
            Assert.Equal(0, MakeFifo(fifo, 0x1B6));
            paths.Add(fifo);
        }
        foreach (var path in paths)
        {
            var clock = Stopwatch.StartNew();
            // On a thread of its own: a blocking open would fail the time-out instead of hanging the test run.
            var read = Task.Run(() => RegularFile.ReadBytes(path, 1024));
            await Assert.ThrowsAsync<CheckpointRefusedException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(clock.ElapsedMilliseconds < 2000, $"{path}: {clock.ElapsedMilliseconds} ms");
        }
        var regular = Path.Combine(folder, "regular");
        File.WriteAllBytes(regular, new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, RegularFile.ReadBytes(regular, 1024));
        Assert.Throws<CheckpointRefusedException>(() => RegularFile.ReadBytes(regular, 2));
        Directory.Delete(folder, recursive: true);
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the folder change was not applied within 15 s");
            await Task.Delay(50);
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
