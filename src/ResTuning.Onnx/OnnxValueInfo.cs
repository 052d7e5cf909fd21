namespace ResTuning.Onnx;

/// <summary>A graph input or output.</summary>
/// <param name="Name">The value's name, e.g. <c>Input247</c>.</param>
/// <param name="ElementType">The ONNX element type (<c>FLOAT</c>, <c>INT64</c>...), or null when it is not a tensor or not declared.</param>
/// <param name="Shape">Dimensions; null entries are symbolic or unknown (their names in <paramref name="DimNames"/>). Null when no shape is declared.</param>
/// <param name="DimNames">The symbolic name of each dimension (empty for fixed ones); null when no shape is declared.</param>
public sealed record OnnxValueInfo(string Name, string? ElementType, IReadOnlyList<long?>? Shape, IReadOnlyList<string>? DimNames);
