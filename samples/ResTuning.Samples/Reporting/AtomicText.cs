using System.IO;

namespace ResTuning.Samples.Reporting;

/// <summary>Writes small text files through a temporary file and a rename, so a reader never sees half of one.</summary>
public static class AtomicText
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> atomically.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
