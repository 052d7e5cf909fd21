namespace ResTuning.Checkpoints;

/// <summary>The validated header of a safetensors file.</summary>
/// <param name="Entries">Tensors, in header order.</param>
/// <param name="Metadata">The <c>__metadata__</c> strings.</param>
/// <param name="DataLength">Length of the data section in bytes.</param>
public sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorEntry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataLength);
