namespace ResTuning.Onnx;

/// <summary>
/// A node attribute. <see cref="Value"/> is a <see cref="float"/> (FLOAT), <see cref="long"/> (INT), <see cref="string"/>
/// (STRING), <c>float[]</c> (FLOATS), <c>long[]</c> (INTS), <c>string[]</c> (STRINGS), a TorchSharp tensor owned by the
/// <see cref="OnnxModel"/> (TENSOR), or null for kinds without a simple value (GRAPH, GRAPHS, SPARSE_TENSOR, TYPE_PROTO...).
/// </summary>
/// <param name="Name">The attribute's name, e.g. <c>strides</c>.</param>
/// <param name="Type">The ONNX attribute type, e.g. <c>INTS</c>.</param>
/// <param name="Value">The value (see above).</param>
public sealed record OnnxAttribute(string Name, string Type, object? Value);
