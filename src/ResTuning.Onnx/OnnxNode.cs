namespace ResTuning.Onnx;

/// <summary>One node of an ONNX graph, in graph order.</summary>
/// <param name="OpType">The operator, e.g. <c>Conv</c> or <c>BatchNormalization</c>.</param>
/// <param name="Name">The node's name (may be empty).</param>
/// <param name="Domain">The operator set domain; empty for the default ONNX domain.</param>
/// <param name="Inputs">Names of the values (or initializers) the node reads, in the operator's input order; empty names are absent optional inputs.</param>
/// <param name="Outputs">Names of the values the node produces.</param>
/// <param name="Attributes">The node's attributes by name, as simple values (see <see cref="OnnxAttribute"/>).</param>
public sealed record OnnxNode(
    string OpType,
    string Name,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>The attribute <paramref name="name"/>'s value, or null when the node has none of that name.</summary>
    public object? Attribute(string name) => Attributes.TryGetValue(name, out var a) ? a.Value : null;
}
