using System.Collections.Generic;

namespace ResTuning.Serving.Batching;

/// <summary>What one image got: one prediction per selected task, from one backbone pass over its batch.</summary>
/// <param name="BatchSize">Images in the backbone batch this one ran in.</param>
/// <param name="TaskSetVersion">The version of the task set the batch ran on.</param>
/// <param name="Predictions">One per selected task, in the order asked for.</param>
public sealed record PredictionResult(int BatchSize, long TaskSetVersion, IReadOnlyList<TaskPrediction> Predictions);

/// <summary>One task's answer for one image.</summary>
/// <param name="Task">The task.</param>
/// <param name="Version">Which version of the task's weights answered (see <c>GET /tasks</c>).</param>
/// <param name="Pass"><c>shared</c>: the batch's one backbone pass (a bypass task); <c>own</c>: the task's own backbone pass (a parallel-tuned task).</param>
/// <param name="Label">The most probable class's label.</param>
/// <param name="Index">Its class index.</param>
/// <param name="Probabilities">Softmax over the classes, in label order.</param>
/// <param name="Logits">The head's outputs; only with <c>?logits=true</c>.</param>
public sealed record TaskPrediction(string Task, int Version, string Pass, string Label, int Index, float[] Probabilities, float[]? Logits);
