namespace ResTuning.Generators.Model;

/// <summary>The shell a model with RT errors gets instead of its members (see <see cref="ShellSpec"/>).</summary>
internal sealed partial class ModelParser
{
    /// <summary>
    /// The shell of a model whose RT errors stop its generation; null when the class or its backbone cannot carry one that
    /// compiles: not a partial non-generic class of a supported kind (no <paramref name="typeSpec"/>), no valid backbone,
    /// or generated members that would take a user's name (RT0023) or expose a less accessible backbone (RT0024).
    /// </summary>
    private ShellSpec? Shell(ModelMode mode, TypeSpec? typeSpec, ITypeSymbol? backbone, int inputs = 1, bool hasLoRA = false, List<string>? tasks = null, List<string>? taskNames = null)
    {
        if (typeSpec is null || backbone is null) return null;
        if (diagnostics.Any(d => d.Id is DiagnosticIds.GeneratedNameClash or DiagnosticIds.LessAccessibleType)) return null;
        return new ShellSpec(mode, typeSpec, TapResolver.FullName(backbone), inputs, hasLoRA,
            (tasks ?? new List<string>()).ToEquatableArray(), (taskNames ?? new List<string>()).ToEquatableArray());
    }
}
