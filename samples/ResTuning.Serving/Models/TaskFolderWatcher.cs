using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ResTuning.Serving.Batching;

namespace ResTuning.Serving.Models;

/// <summary>
/// The task folder as a source of tasks: <c>{task}.safetensors</c> (a bypass task), <c>{task}.lora.safetensors</c> or
/// <c>{task}.restuning.safetensors</c> (a parallel-tuned task, its own backbone pass), with optional <c>{task}.labels.txt</c>
/// (one label per line). <see cref="Scan"/> reads it at start-up; an instance watches it and reloads a task when its file is written
/// (events are debounced: a copy fires several), removing it when the file is deleted.
/// </summary>
public sealed class TaskFolderWatcher : IDisposable
{
    /// <summary>The checkpoint extension.</summary>
    public const string Extension = ".safetensors";

    /// <summary>The labels file's suffix.</summary>
    public const string LabelsSuffix = ".labels.txt";

    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private readonly string folder;
    private readonly InferenceWorker worker;
    private readonly FileSystemWatcher watcher;
    private readonly ConcurrentDictionary<string, Timer> pending = new(StringComparer.Ordinal);

    /// <summary>Starts watching <paramref name="folder"/>.</summary>
    public TaskFolderWatcher(string folder, InferenceWorker worker)
    {
        this.folder = folder;
        this.worker = worker;
        watcher = new FileSystemWatcher(folder, "*" + Extension) { IncludeSubdirectories = false };
        watcher.Created += (_, e) => Schedule(e.FullPath);
        watcher.Changed += (_, e) => Schedule(e.FullPath);
        watcher.Deleted += (_, e) => Schedule(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            Schedule(e.OldFullPath);
            Schedule(e.FullPath);
        };
        watcher.EnableRaisingEvents = true;
    }

    /// <summary>A command per task checkpoint in <paramref name="folder"/> (refused files are logged and skipped).</summary>
    public static IEnumerable<TaskCommand> Scan(string folder, InferenceWorker worker)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var command = Read(path, worker, out var refusal);
            if (command is not null) yield return command;
            else worker.ReportRefusal(TaskKinds.FromFileStem(Path.GetFileNameWithoutExtension(path)).Task, refusal!);
        }
    }

    private static PutTask? Read(string path, InferenceWorker worker, out string? refusal)
    {
        refusal = null;
        var (name, kind) = TaskKinds.FromFileStem(Path.GetFileNameWithoutExtension(path));
        try
        {
            TaskLoader.CheckName(name);
            var bytes = RegularFile.ReadBytes(path, worker.Options.MaxCheckpointBytes);
            var labelsPath = Path.Combine(Path.GetDirectoryName(path)!, name + LabelsSuffix);
            IReadOnlyList<string>? labels = File.Exists(labelsPath)
                ? Encoding.UTF8.GetString(RegularFile.ReadBytes(labelsPath, 1 << 20)).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
                : null;
            return new PutTask { Name = name, Checkpoint = worker.WritePrivate(bytes), Labels = labels, Kind = kind, Origin = "folder", SkipIfUnchanged = true };
        }
        catch (Exception e) when (e is CheckpointRefusedException or IOException or UnauthorizedAccessException)
        {
            refusal = e.Message;
            return null;
        }
    }

    private void Schedule(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        pending.AddOrUpdate(name,
            _ => new Timer(_ => Fire(path), null, Debounce, Timeout.InfiniteTimeSpan),
            (_, timer) =>
            {
                timer.Change(Debounce, Timeout.InfiniteTimeSpan);
                return timer;
            });
    }

    private async void Fire(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        if (pending.TryRemove(stem, out var timer)) await timer.DisposeAsync();
        var name = TaskKinds.FromFileStem(stem).Task;
        string? refusal = null;
        // Whatever still exists under the name is read (and refused unless a regular file); what is gone is removed.
        TaskCommand? command = File.Exists(path) || Directory.Exists(path) ? Read(path, worker, out refusal) : new DeleteTask { Name = name, OnlyFrom = "folder" };
        if (command is null)
        {
            worker.ReportRefusal(name, refusal!);
            return;
        }
        try
        {
            await worker.SendAsync(command);
        }
        catch (Exception e) when (e is CheckpointRefusedException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // Logged by the worker; the old tuners keep serving.
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        watcher.Dispose();
        foreach (var timer in pending.Values) timer.Dispose();
    }
}
