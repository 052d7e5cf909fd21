using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ResTuning.Samples.Text;

/// <summary>One line of the frozen split: which split a package is in and its label (its Debian section when frozen).</summary>
/// <param name="Split"><c>train</c> (the labelled pool) or <c>test</c>.</param>
/// <param name="Package">The Debian package name.</param>
/// <param name="Label">The class: the package's <c>Section</c> when the split was frozen.</param>
public sealed record SplitEntry(string Split, string Package, string Label);

/// <summary>A labelled text.</summary>
/// <param name="Package">The package it describes.</param>
/// <param name="Text">Its short description.</param>
/// <param name="Label">Index of its class in <see cref="TextSplit.ClassNames"/>.</param>
public sealed record LabelledText(string Package, string Text, int Label);

/// <summary>The frozen split with the descriptions apt has now.</summary>
/// <param name="ClassNames">The classes (Debian sections), in the order of their first appearance in the split file.</param>
/// <param name="Train">The labelled pool, in file order.</param>
/// <param name="Test">The test split, in file order.</param>
/// <param name="Missing">Packages of the split that apt no longer knows (skipped).</param>
/// <param name="Duplicates">Packages skipped because another package of the split now has the same description.</param>
public sealed record TextSplit(IReadOnlyList<string> ClassNames, IReadOnlyList<LabelledText> Train, IReadOnlyList<LabelledText> Test, IReadOnlyList<string> Missing, int Duplicates);

/// <summary>
/// The text sample's data: Debian package short descriptions labelled with their <c>Section</c>. The split (which packages,
/// which label, train or test) is frozen in <c>debian-sections.tsv</c> (made once by <c>freeze-split.py</c>); the
/// descriptions are read from apt's package index at run time (<c>apt-cache dumpavail</c>), so nothing is downloaded.
/// </summary>
public static class DebianSections
{
    /// <summary>The frozen split's file name.</summary>
    public const string FileName = "debian-sections.tsv";

    /// <summary>The split file beside the program (copied there by the build).</summary>
    public static string DefaultSplitPath => Path.Combine(AppContext.BaseDirectory, "Text", FileName);

    /// <summary>Reads a split file: <c>#</c> comment lines, then <c>split TAB package TAB label</c> lines.</summary>
    /// <exception cref="InvalidDataException">A line is malformed or a package is listed twice; the message names the line.</exception>
    public static IReadOnlyList<SplitEntry> ReadSplit(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The frozen split {path} does not exist.", path);
        var entries = new List<SplitEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            if (fields.Length != 3 || fields[0] is not ("train" or "test") || fields[1].Length == 0 || fields[2].Length == 0)
                throw new InvalidDataException($"{path}:{number}: expected 'train|test<TAB>package<TAB>label', got '{line}'.");
            if (!seen.Add(fields[1])) throw new InvalidDataException($"{path}:{number}: package {fields[1]} is listed twice.");
            entries.Add(new SplitEntry(fields[0], fields[1], fields[2]));
        }
        if (entries.Count == 0) throw new InvalidDataException($"{path} lists no packages.");
        return entries;
    }

    /// <summary>
    /// Package name to short description from a package index in <c>apt-cache dumpavail</c> (deb822) form: records separated by
    /// blank lines, the fields <c>Package:</c> and <c>Description:</c> (its first line: the short description).
    /// </summary>
    public static Dictionary<string, string> ParseIndex(TextReader index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        string? package = null, description = null;
        void Flush()
        {
            if (package is not null && description is not null) descriptions.TryAdd(package, description);
            package = description = null;
        }
        while (index.ReadLine() is { } line)
        {
            if (line.Length == 0) Flush();
            else if (line.StartsWith("Package:", StringComparison.Ordinal)) package = line["Package:".Length..].Trim();
            else if (line.StartsWith("Description:", StringComparison.Ordinal)) description = line["Description:".Length..].Trim();
        }
        Flush();
        return descriptions;
    }

    /// <summary>The short descriptions apt knows now: <c>apt-cache dumpavail</c>, or <paramref name="indexFile"/> (the same form) when given.</summary>
    /// <exception cref="InvalidOperationException">apt is not there or its lists are empty; the message names the fix.</exception>
    public static Dictionary<string, string> ReadDescriptions(string? indexFile = null)
    {
        if (indexFile is not null)
        {
            using var reader = File.OpenText(indexFile);
            var fromFile = ParseIndex(reader);
            return fromFile.Count > 0 ? fromFile
                : throw new InvalidOperationException($"{indexFile} holds no package records (Package: and Description: fields): give the output of `apt-cache dumpavail`.");
        }
        var info = new ProcessStartInfo("apt-cache") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("dumpavail");
        Dictionary<string, string> descriptions;
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            descriptions = ParseIndex(process.StandardOutput);
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"apt-cache dumpavail failed (exit code {process.ExitCode}): {error.Result.Trim()}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The text sample reads Debian package descriptions from apt, but apt-cache could not be started ({e.Message}). " +
                "Run it on Debian or Ubuntu, or pass --apt-index FILE with the output of `apt-cache dumpavail` from such a machine.", e);
        }
        if (descriptions.Count == 0)
            throw new InvalidOperationException(
                "apt's package lists are empty (apt-cache dumpavail printed no packages): run `sudo apt-get update` once, then run the text sample again.");
        return descriptions;
    }

    /// <summary>
    /// Joins the split with the descriptions: packages apt no longer has are skipped and listed in <see cref="TextSplit.Missing"/>;
    /// a package whose description (compared case-insensitively) equals one met earlier in the file is skipped and counted.
    /// </summary>
    public static TextSplit Join(IReadOnlyList<SplitEntry> entries, IReadOnlyDictionary<string, string> descriptions)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(descriptions);
        var classes = entries.Select(e => e.Label).Distinct().ToList();
        var missing = new List<string>();
        var texts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var duplicates = 0;
        var train = new List<LabelledText>();
        var test = new List<LabelledText>();
        foreach (var entry in entries)
        {
            if (!descriptions.TryGetValue(entry.Package, out var text) || text.Length == 0) { missing.Add(entry.Package); continue; }
            if (!texts.Add(text)) { duplicates++; continue; }
            (entry.Split == "train" ? train : test).Add(new LabelledText(entry.Package, text, classes.IndexOf(entry.Label)));
        }
        return new TextSplit(classes, train, test, missing, duplicates);
    }
}
