namespace ResTuning.Onnx;

/// <summary>
/// An ONNX file cannot be read (not ONNX, truncated, external data, an unsupported element type) or its tensors do not fit
/// the module they are loaded into. The message names the file and the problem; nothing was loaded.
/// </summary>
public sealed class OnnxFormatException : UnusableFileException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The ONNX file (or the stream's name).</param>
    /// <param name="message">What is wrong and, where there is one, the fix.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public OnnxFormatException(string path, string message, Exception? inner = null) : base("ONNX file", path, message, inner)
    {
    }
}
