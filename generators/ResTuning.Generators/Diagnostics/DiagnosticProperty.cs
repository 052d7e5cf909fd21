namespace ResTuning.Generators.Diagnostics;

/// <summary>
/// One entry of a diagnostic's <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/>: data a code fix needs
/// (a suggested name, a valid value) carried as plain values so models stay cacheable.
/// </summary>
/// <param name="Key">One of <see cref="DiagnosticPropertyNames"/>.</param>
/// <param name="Value">The value, as source text.</param>
internal readonly record struct DiagnosticProperty(string Key, string Value);
