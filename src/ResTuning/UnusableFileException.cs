namespace ResTuning;

/// <summary>
/// A file or folder the library refused to use (a checkpoint, a tap cache, an ONNX model): its message names the file, what
/// is wrong and the fix, and it is thrown before anything was changed. Catch this type to handle every such refusal alike.
/// </summary>
public abstract class UnusableFileException : Exception
{
    /// <summary>Creates the exception; the message reads <c>{what} '{path}': {message}</c>.</summary>
    /// <param name="what">What the file is, as the message starts (<c>"Checkpoint"</c>, <c>"Tap cache"</c>).</param>
    /// <param name="path">The file or folder at fault.</param>
    /// <param name="message">What is wrong and, where there is one, the fix.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    protected UnusableFileException(string what, string path, string message, Exception? inner)
        : base($"{what} '{path}': {message}", inner)
    {
        Path = path;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
