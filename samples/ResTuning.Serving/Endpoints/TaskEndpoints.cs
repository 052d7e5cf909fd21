using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using ResTuning.Serving.Batching;
using ResTuning.Serving.Images;
using ResTuning.Serving.Models;

namespace ResTuning.Serving.Endpoints;

/// <summary>
/// <c>GET /tasks</c>, <c>PUT /tasks/{name}</c> (a tuner checkpoint as the body, <c>?labels=a,b</c> optional, <c>?kind=</c>
/// <c>bypass</c> (default), <c>lora</c> or <c>restuning</c>: adds the task or replaces its tuners atomically, after verification) and <c>DELETE /tasks/{name}</c>.
/// </summary>
public static class TaskEndpoints
{
    /// <summary>The collection's route.</summary>
    public const string Route = "/tasks";

    /// <summary>Lists the served tasks.</summary>
    public static IResult List(InferenceWorker worker)
    {
        var set = worker.Current;
        return Results.Json(new TaskList(worker.BackboneName, worker.Options.ImageSize, set.Version, set.Tasks.Values.Select(TaskInfo.Of).ToArray()));
    }

    /// <summary>Adds or replaces task <paramref name="name"/> from the checkpoint in the body.</summary>
    public static async Task<IResult> Put(HttpContext http, InferenceWorker worker, string name, string? labels, string? kind)
    {
        try
        {
            if (!TaskLoader.NamePattern().IsMatch(name))
                throw new RequestRejectedException(400, "bad-task-name", "Bad task name", $"'{name}' is not a task name: a letter or digit, then letters, digits, '.', '_' or '-' (at most 64).");
            TaskKind taskKind;
            try { taskKind = TaskKinds.Parse(kind); }
            catch (CheckpointRefusedException e) { throw new RequestRejectedException(400, "bad-task-kind", "Bad task kind", e.Message); }
            RequestBody.RequireContentType(http.Request, "application/octet-stream");
            var body = await RequestBody.ReadAsync(http.Request, worker.Options.MaxCheckpointBytes, http.RequestAborted);
            var existed = worker.Current.Tasks.ContainsKey(name);
            var labelList = string.IsNullOrWhiteSpace(labels) ? null : labels.Split(',', StringSplitOptions.TrimEntries);
            var task = await worker.SendAsync(new PutTask { Name = name, Checkpoint = worker.WritePrivate(body), Labels = labelList, Kind = taskKind, Origin = "upload" });
            var info = TaskInfo.Of(task!);
            return existed ? Results.Json(info) : Results.Created($"{Route}/{name}", info);
        }
        catch (RequestRejectedException e)
        {
            return Problems.From(e);
        }
        catch (CheckpointRefusedException e)
        {
            return Problems.Create(422, "checkpoint-refused", "Checkpoint refused", $"{e.Message} The task's current tuners keep serving.");
        }
    }

    /// <summary>Removes task <paramref name="name"/>.</summary>
    public static async Task<IResult> Delete(InferenceWorker worker, string name)
    {
        try
        {
            await worker.SendAsync(new DeleteTask { Name = name });
            return Results.NoContent();
        }
        catch (KeyNotFoundException e)
        {
            return Problems.Create(404, "unknown-task", "Unknown task", e.Message);
        }
    }
}

/// <summary>The answer of <c>GET /tasks</c>.</summary>
/// <param name="Backbone">The shared backbone.</param>
/// <param name="ImageSize">The side images are resized to.</param>
/// <param name="Version">The task set's version.</param>
/// <param name="Tasks">The tasks.</param>
public sealed record TaskList(string Backbone, int ImageSize, long Version, IReadOnlyList<TaskInfo> Tasks);

/// <summary>One served task.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Classes">Its class count.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Version">Its weights' version.</param>
/// <param name="Integrity">Its checkpoint's integrity hash.</param>
/// <param name="Origin"><c>folder</c> or <c>upload</c>.</param>
/// <param name="LoadedAt">When it was published.</param>
/// <param name="Kind"><c>bypass</c>, <c>lora</c> or <c>restuning</c>.</param>
/// <param name="Pass"><c>shared</c> (the batch's one backbone pass) or <c>own</c> (its own backbone pass).</param>
public sealed record TaskInfo(string Name, int Classes, IReadOnlyList<string> Labels, int Version, string Integrity, string Origin, DateTimeOffset LoadedAt, string Kind, string Pass)
{
    /// <summary>The info of <paramref name="task"/>.</summary>
    public static TaskInfo Of(ServedTask task) => new(task.Name, task.Classes, task.Labels, task.Version, task.Integrity, task.Origin, task.LoadedAt, task.Kind.Name(), task.Pass);
}
