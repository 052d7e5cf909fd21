namespace ResTuning.Onnx;

/// <summary>How a BERT's ONNX initializers become Hugging Face state-dict entries (see <see cref="BertOnnx.Map"/>).</summary>
/// <param name="Names">ONNX initializer name → HF state-dict name.</param>
/// <param name="Transposed">Initializers stored input × output (MatMul weights): transposed to <c>nn.Linear</c>'s output × input when loaded.</param>
/// <param name="Ignored">Initializers with no state-dict entry (<c>embeddings.position_ids</c>, shape constants).</param>
public sealed record BertOnnxMap(IReadOnlyDictionary<string, string> Names, IReadOnlySet<string> Transposed, IReadOnlyList<string> Ignored);
