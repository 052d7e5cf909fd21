using System.Threading;

namespace ResTuning.Generators.Model;

/// <summary>
/// The parse of one annotated class: it holds the class, its compilation's known types and the diagnostics found so
/// far, so that each step reads as what it checks. One instance per class and mode (see <see cref="ConfigurationParser"/>);
/// the parts live by concern in <c>ModelParser.*.cs</c>. Never throws for bad user input.
/// </summary>
internal sealed partial class ModelParser
{
    private readonly INamedTypeSymbol type;
    private readonly SyntaxNode declaration;
    private readonly Compilation compilation;
    private readonly KnownTypes known;
    private readonly CancellationToken cancellationToken;
    private readonly List<DiagnosticInfo> diagnostics = new();

    /// <summary>Starts the parse of <paramref name="type"/>, declared at <paramref name="declaration"/>.</summary>
    public ModelParser(INamedTypeSymbol type, SyntaxNode declaration, Compilation compilation, CancellationToken cancellationToken)
    {
        this.type = type;
        this.declaration = declaration;
        this.compilation = compilation;
        this.cancellationToken = cancellationToken;
        known = new KnownTypes(compilation);
    }

    /// <summary>True once an error was found: the model is not generated.</summary>
    private bool HasErrors => diagnostics.Any(d => d.IsError);

    /// <summary>How many errors were found so far (warnings and information do not count).</summary>
    private int ErrorCount => diagnostics.Count(d => d.IsError);
}
