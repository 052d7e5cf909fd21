using System.IO;

namespace ResTuning.Data;

/// <summary>
/// An IDX file (the MNIST / Fashion-MNIST format) is not what it should be: a wrong magic number, an element
/// type other than unsigned bytes, a truncated body, or image and label files whose counts disagree.
/// The message names the file and what to do.
/// </summary>
public sealed class IdxFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public IdxFormatException(string path, string message)
        : base($"IDX file '{path}': {message}")
    {
        Path = path;
    }

    /// <summary>The offending file.</summary>
    public string Path { get; }
}
