using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ResTuning.Generators.Tests.Support;

namespace ResTuning.Analyzers.Tests.Support;

/// <summary>
/// The valid configurations the generator tests pin (snapshot inputs, benchmark models), read from their source files
/// so that a configuration added there is checked here too.
/// </summary>
internal static class GeneratorTestInputs
{
    /// <summary>The root of the repository.</summary>
    public static string RepoRoot() => RootFrom();

    // This file is tests/ResTuning.Analyzers.Tests/Support/GeneratorTestInputs.cs.
    private static string RootFrom([CallerFilePath] string file = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "../../.."));

    /// <summary>
    /// Every model of SnapshotTests.cs, as a complete source: the attribute blocks of <c>Configurations</c> wrapped by
    /// <see cref="Sources.Model"/>, and the complete model sources the other tests declare.
    /// </summary>
    public static IReadOnlyList<string> SnapshotModels() =>
        StringLiterals("tests/ResTuning.Generators.Tests/SnapshotTests.cs", null)
            .Where(s => s.Contains("[ResTuning", StringComparison.Ordinal))
            .Select(s => s.Contains("class ", StringComparison.Ordinal) ? s : Sources.Model(s))
            .ToList();

    /// <summary>The configurations of the generator benchmark's workload (<c>GeneratorWorkload.Configurations</c>).</summary>
    public static IReadOnlyList<string> BenchmarkConfigurations() => StringLiterals("tests/ResTuning.Benchmarks/Generator/GeneratorWorkload.cs", "Configurations");

    /// <summary>The benchmark's many-class source, built like <c>GeneratorBenchmark.ModelsSource</c> from its configurations.</summary>
    public static string ModelsSource(int classes)
    {
        var configurations = BenchmarkConfigurations();
        var sb = new StringBuilder("using ResTuning;\n\nnamespace Demo.Many;\n\n");
        for (var i = 0; i < classes; i++)
            sb.Append(configurations[i % configurations.Count]).Append($"\npublic partial class Tuned{i};\n\n");
        return sb.ToString();
    }

    /// <summary>The string literals of a file (path from the repository root), all of them or those of one field/property initializer.</summary>
    private static IReadOnlyList<string> StringLiterals(string file, string? member)
    {
        var path = Path.Combine(RepoRoot(), file);
        var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot();
        IEnumerable<SyntaxNode> scope = member is null
            ? new[] { root }
            : root.DescendantNodes().OfType<VariableDeclaratorSyntax>().Where(v => v.Identifier.Text == member);
        var literals = scope.SelectMany(n => n.DescendantNodes()).OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression))
            .Select(l => l.Token.ValueText)
            .ToList();
        if (literals.Count == 0) throw new InvalidOperationException($"no string literal found in {file} ({member ?? "whole file"})");
        return literals;
    }
}
