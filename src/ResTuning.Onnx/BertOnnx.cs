using ResTuning.Backbones;

namespace ResTuning.Onnx;

/// <summary>
/// Maps the weights of a BERT exported to ONNX from Hugging Face (e.g. sentence-transformers' all-MiniLM-L6-v2) onto
/// <see cref="BertModel"/>'s HF state-dict names. The export keeps HF names for biases, norms and embeddings, but gives the
/// projection matrices numeric names and stores them input × output for a <c>MatMul</c>; each such matrix is named through
/// the graph: the <c>Add</c> right after its <c>MatMul</c> adds the bias <c>X.bias</c>, so the matrix is <c>X.weight</c>.
/// </summary>
public static class BertOnnx
{
    /// <summary>Reads the BERT in <paramref name="model"/> into a new <see cref="BertModel"/> of <paramref name="config"/>'s shape, in eval mode.</summary>
    /// <exception cref="OnnxFormatException">The graph is not a BERT of that shape (unmapped weights, missing entries).</exception>
    /// <exception cref="Checkpoints.CheckpointException">A tensor's shape does not fit (e.g. another width).</exception>
    public static BertModel Load(OnnxModel model, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        var map = Map(model);
        var bert = new BertModel(config);
        try
        {
            // A new classifier comes from no file: only it may stay unfilled.
            model.LoadInto(bert, map.Names, map.Ignored,
                skipEntry: name => config.NumClasses > 0 && name.StartsWith("classifier.", StringComparison.Ordinal),
                convert: (name, tensor) => map.Transposed.Contains(name) ? tensor.t() : tensor);
        }
        catch
        {
            bert.Dispose();
            throw;
        }
        bert.eval();
        return bert;
    }

    /// <summary>The name map of <paramref name="model"/>'s initializers (see the class remarks).</summary>
    /// <exception cref="OnnxFormatException">A MatMul weight is not followed by an Add of a <c>*.bias</c> initializer, or two map to one name.</exception>
    public static BertOnnxMap Map(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var initializers = model.Initializers;
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = new List<OnnxNode>();
                list.Add(node);
            }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var transposed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var matmul in model.Nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Count == 2 && initializers.ContainsKey(n.Inputs[1])))
        {
            var weight = matmul.Inputs[1];
            var bias = (consumers.TryGetValue(matmul.Outputs[0], out var next) ? next : new List<OnnxNode>())
                .Where(n => n.OpType == "Add")
                .SelectMany(n => n.Inputs)
                .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(i))
                ?? throw new OnnxFormatException(model.Source,
                    $"the MatMul '{matmul.Name}' of weight '{weight}' is not followed by an Add of a '*.bias' initializer, which names the weight; is this a Hugging Face BERT export?");
            var target = bias[..^".bias".Length] + ".weight";
            if (names.Values.Contains(target))
                throw new OnnxFormatException(model.Source, $"two MatMul weights map to '{target}' (one is '{weight}').");
            names[weight] = target;
            transposed.Add(weight);
        }

        var ignored = new List<string>();
        foreach (var name in model.InitializerNames)
        {
            if (names.ContainsKey(name)) continue;
            // HF names (embeddings, norms, biases) map to themselves; position_ids is a constant buffer BertModel computes.
            if (name.Contains('.') && name != "embeddings.position_ids") names[name] = name;
            else ignored.Add(name);
        }
        return new BertOnnxMap(names, transposed, ignored);
    }

    /// <summary>The epsilon of the decomposed LayerNorms (<c>x / Sqrt(var + eps)</c>): the constant added right before each <c>Sqrt</c>; null when the graph has none.</summary>
    public static double? LayerNormEps(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var producer = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var output in node.Outputs)
                producer[output] = node;
        foreach (var sqrt in model.Nodes.Where(n => n.OpType == "Sqrt"))
        {
            if (!producer.TryGetValue(sqrt.Inputs[0], out var add) || add.OpType != "Add") continue;
            foreach (var input in add.Inputs)
            {
                Tensor? constant = model.Initializers.TryGetValue(input, out var init) ? init
                    : producer.TryGetValue(input, out var c) && c.OpType == "Constant" ? c.Attribute("value") as Tensor : null;
                if (constant is not null && constant.numel() == 1) return constant.to(ScalarType.Float64).item<double>();
            }
        }
        return null;
    }
}
