using System.ComponentModel;

namespace ResTuning.CompilerServices;

/// <summary>
/// What the generated shell of a model with ResTuning configuration errors calls. The generator gives such a model its
/// normal base class, constructors and members, each throwing, so that the build reports the RT diagnostics and not a
/// follow-on error at every use of the class; should the model be built anyway (its RT errors suppressed), these throw.
/// Meant for generated code (hence <c>CompilerServices</c>, hidden from completion).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InvalidModel
{
    /// <summary>The error a shell member throws.</summary>
    /// <param name="model">The model class's name.</param>
    /// <returns>An <see cref="InvalidOperationException"/> naming the model and pointing at its RT diagnostics.</returns>
    public static InvalidOperationException Error(string model) =>
        new($"'{model}' has ResTuning configuration errors, so the generator gave it only members that throw. Fix the RT diagnostics the build reports for '{model}' (docs/diagnostics/RTxxxx.md).");

    /// <summary>Throws <see cref="Error"/>; typed so that a shell constructor can throw before its base constructor runs.</summary>
    /// <typeparam name="T">The type the call stands for.</typeparam>
    /// <param name="model">The model class's name.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public static T Throw<T>(string model) => throw Error(model);
}
