namespace ResTuning.Checkpoints;

/// <summary>
/// A checkpoint file is corrupt or does not fit the module it is loaded into. Thrown before any
/// weight changes, with a message that lists what is wrong (missing, unexpected or mis-shaped names).
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public CheckpointException(string path, string message, Exception? inner = null)
        : base($"Checkpoint '{path}': {message}", inner)
    {
        Path = path;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }
}
