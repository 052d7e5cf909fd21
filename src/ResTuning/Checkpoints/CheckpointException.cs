namespace ResTuning.Checkpoints;

/// <summary>
/// A checkpoint file is corrupt or does not fit the module it is loaded into. Thrown before any
/// weight changes, with a message that lists what is wrong (missing, unexpected or mis-shaped names).
/// </summary>
public sealed class CheckpointException : UnusableFileException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    public CheckpointException(string path, string message, Exception? inner = null) : base("Checkpoint", path, message, inner)
    {
    }
}
