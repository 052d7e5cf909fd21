using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace ResTuning.Generators.Tests.Support;

/// <summary>
/// File snapshots under <c>__snapshots__/</c>: written when missing (and the test fails when <c>CI</c> is set),
/// compared otherwise, with a line diff on mismatch. Delete a snapshot to accept a new output.
/// </summary>
internal static class Snapshot
{
    public static void Match(string name, string actual, [CallerFilePath] string caller = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(caller)!, "__snapshots__");
        var file = Path.Combine(directory, name);
        actual = actual.Replace("\r\n", "\n");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(file, actual);
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
                Assert.Fail($"Snapshot {name} was missing; it has been written. Commit it.");
            return;
        }

        var expected = File.ReadAllText(file).Replace("\r\n", "\n");
        if (expected == actual) return;
        Assert.Fail($"Snapshot {name} differs (delete the file to accept the new output):\n{Diff(expected, actual)}");
    }

    private static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var sb = new StringBuilder();
        var shown = 0;
        for (var i = 0; i < Math.Max(a.Length, b.Length) && shown < 40; i++)
        {
            var x = i < a.Length ? a[i] : null;
            var y = i < b.Length ? b[i] : null;
            if (x == y) continue;
            sb.AppendLine($"line {i + 1}:");
            if (x is not null) sb.AppendLine("- " + x);
            if (y is not null) sb.AppendLine("+ " + y);
            shown++;
        }
        return sb.ToString();
    }
}
