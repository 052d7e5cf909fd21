namespace ResTuning.Checkpoints;

/// <summary>One tensor described by a safetensors header.</summary>
/// <param name="Name">Tensor name (state-dict key).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Begin">Start of the tensor's bytes, relative to the data section.</param>
/// <param name="End">End (exclusive) of the tensor's bytes, relative to the data section.</param>
public sealed record SafeTensorEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of bytes of the tensor.</summary>
    public long ByteLength => End - Begin;
}
