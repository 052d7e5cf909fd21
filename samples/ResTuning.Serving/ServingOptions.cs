using System;

namespace ResTuning.Serving;

/// <summary>
/// The server's settings, bound from the <c>Serving</c> configuration section (<c>appsettings.json</c>, environment variables
/// such as <c>Serving__MaxBatchSize=16</c>, or command-line arguments such as <c>--Serving:MaxBatchSize=16</c>).
/// </summary>
public sealed class ServingOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string Section = "Serving";

    /// <summary>
    /// The frozen backbone: <c>resnet18-imagenet</c> (the default: ML.NET's ImageNet ResNet-18, the main job's backbone) or
    /// <c>resnet18-random</c> (the same network at a seeded random initialisation: no model file, for tests).
    /// </summary>
    public string Backbone { get; set; } = ServingBackbone.ImageNet;

    /// <summary>
    /// For <c>resnet18-imagenet</c>: the folder holding <c>ResNet18Onnx/ResNet18.onnx</c> and <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>
    /// (the package's <c>tools/DnnImageModels</c>); null reads them from the NuGet package folder the build restored (a container
    /// has no NuGet cache: the Dockerfile copies the folder into the image and names it here).
    /// </summary>
    public string? BackboneFolder { get; set; }

    /// <summary>Side of the square image the backbone reads; every request image is resized to it (the main job uses 80 px).</summary>
    public int ImageSize { get; set; } = 80;

    /// <summary>The folder of task checkpoints (<c>{task}.safetensors</c>, with optional <c>{task}.labels.txt</c>).</summary>
    public string TaskFolder { get; set; } = "out/serving/tasks";

    /// <summary>Writes a small set of tasks into an empty <see cref="TaskFolder"/> at start-up, so a fresh clone serves something.</summary>
    public bool SeedTasks { get; set; } = true;

    /// <summary>Reloads a task when its checkpoint in <see cref="TaskFolder"/> is written, removes it when the file is deleted.</summary>
    public bool WatchTaskFolder { get; set; } = true;

    /// <summary>Most images in one backbone batch (Triton's <c>max_batch_size</c>, TorchServe's <c>batch_size</c>); 1 turns batching off.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>Longest a request waits for others to join its batch, from its arrival (Triton's <c>max_queue_delay</c>, TorchServe's <c>max_batch_delay</c>).</summary>
    public int MaxWaitMs { get; set; } = 5;

    /// <summary>Most requests waiting for the worker; one more is answered 503 at once.</summary>
    public int MaxQueue { get; set; } = 256;

    /// <summary>Longest a prediction may take from arrival to answer; past it the request is answered 503 and its slot freed.</summary>
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary>Largest image body of <c>POST /predict</c> in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest task checkpoint (<c>PUT /tasks/{name}</c> body or task-folder file) in bytes.</summary>
    public long MaxCheckpointBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest image in pixels (width × height), checked from the header before decoding.</summary>
    public long MaxPixels { get; set; } = 4096L * 4096;

    /// <summary>
    /// One backbone pass per batch for every task (the point of the bypass). False runs each task's own backbone pass, as
    /// separate models would: only for measuring the saving (the load benchmark).
    /// </summary>
    public bool SharedPass { get; set; } = true;

    /// <summary>
    /// Seconds between trims of the native heap by the inference worker (glibc's <c>malloc_trim</c>, also after every task
    /// change); 0 never trims. libtorch frees a batch's tensors into glibc's heap, which keeps the freed pages: without trims
    /// the resident set creeps up for minutes while nothing leaks (the soak benchmark measured +11 % over ten minutes).
    /// </summary>
    public int TrimNativeHeapSeconds { get; set; } = 10;

    /// <summary>Seed of the random backbone and of seeded tasks.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (ImageSize < 32) throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "The ResNet halves the resolution five times: give at least 32 px.");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "Give at least 1.");
        if (MaxWaitMs < 0) throw new ArgumentOutOfRangeException(nameof(MaxWaitMs), MaxWaitMs, "Give 0 or more.");
        if (TrimNativeHeapSeconds < 0) throw new ArgumentOutOfRangeException(nameof(TrimNativeHeapSeconds), TrimNativeHeapSeconds, "Give 0 (never trim) or more.");
        if (MaxQueue < 1) throw new ArgumentOutOfRangeException(nameof(MaxQueue), MaxQueue, "Give at least 1.");
        if (RequestTimeoutMs < 1) throw new ArgumentOutOfRangeException(nameof(RequestTimeoutMs), RequestTimeoutMs, "Give at least 1.");
        if (MaxBodyBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "Give at least 1.");
        if (MaxCheckpointBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxCheckpointBytes), MaxCheckpointBytes, "Give at least 1.");
        if (MaxPixels < 1) throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "Give at least 1.");
        if (string.IsNullOrWhiteSpace(TaskFolder)) throw new ArgumentException("Name a task folder.", nameof(TaskFolder));
    }
}
