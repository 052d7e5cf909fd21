using System.IO;
using Spectre.Console;

namespace ResTuning.Samples.Classification;

/// <summary>Writes a method's tuner-only checkpoint, whatever the backbone.</summary>
public static class TunerCheckpoint
{
    /// <summary>For a generated DSL model (any <see cref="ITunedModel"/>): prints PEFT's summary line and writes the tuners and head to <paramref name="path"/>; otherwise nothing.</summary>
    public static void Save(object model, string path)
    {
        if (model is not ITunedModel tuned) return;
        tuned.PrintTrainableParameters();
        tuned.SaveTuners(path);
        AnsiConsole.MarkupLine($"[grey]Tuners only (with the head): {Markup.Escape(path)} ({new FileInfo(path).Length / 1024} KiB)[/]");
    }
}
