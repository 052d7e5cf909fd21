using Google.Protobuf;
using Proto = global::Onnx;

namespace ResTuning.Onnx;

/// <summary>
/// An ONNX model read into TorchSharp: its initializers (weights) as tensors, its nodes in graph order and its graph inputs
/// and outputs. The protobuf is parsed with Google.Protobuf from the official <c>onnx.proto3</c>. The model owns its
/// tensors: dispose it (or the tensors you keep) when done; <see cref="OnnxWeights.LoadInto"/> copies them into a module.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly Dictionary<string, Tensor> initializers;
    private bool disposed;

    private OnnxModel(string source, Proto.ModelProto model)
    {
        Source = source;
        var graph = model.Graph;
        IrVersion = model.IrVersion;
        ProducerName = model.ProducerName;
        ProducerVersion = model.ProducerVersion;
        GraphName = graph.Name;
        Opsets = model.OpsetImport.GroupBy(o => o.Domain).ToDictionary(g => g.Key, g => g.Max(o => o.Version));

        var names = new List<string>();
        initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var owned = new List<Tensor>();
        try
        {
            foreach (var proto in graph.Initializer)
            {
                if (string.IsNullOrEmpty(proto.Name))
                    throw new OnnxFormatException(source, $"initializer #{names.Count} has no name; every initializer needs one.");
                if (initializers.ContainsKey(proto.Name))
                    throw new OnnxFormatException(source, $"two initializers are named '{proto.Name}'.");
                var t = OnnxTensorReader.Read(proto, source, "initializer");
                owned.Add(t);
                initializers.Add(proto.Name, t);
                names.Add(proto.Name);
            }
            if (graph.SparseInitializer.Count > 0)
                throw new OnnxFormatException(source, $"the graph has {graph.SparseInitializer.Count} sparse initializers ('{graph.SparseInitializer[0].Values?.Name}' ...); sparse tensors are not supported.");

            var nodes = new List<OnnxNode>(graph.Node.Count);
            foreach (var node in graph.Node)
            {
                var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
                foreach (var a in node.Attribute)
                    attributes[a.Name] = ReadAttribute(a, node, source, owned);
                nodes.Add(new OnnxNode(node.OpType, node.Name, node.Domain, node.Input.ToArray(), node.Output.ToArray(), attributes));
            }
            Nodes = nodes;
        }
        catch
        {
            foreach (var t in owned) t.Dispose();
            throw;
        }
        ownedTensors = owned;
        InitializerNames = names;
        Inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Select(ReadValueInfo).ToArray();
        Outputs = graph.Output.Select(ReadValueInfo).ToArray();
    }

    private readonly List<Tensor> ownedTensors;

    /// <summary>Reads the ONNX model at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxFormatException">The file is not an ONNX model, is truncated, keeps tensors in external data or uses an unsupported element type.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads an ONNX model from <paramref name="stream"/> (read to its end); <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="OnnxFormatException">The bytes are not an ONNX model, are truncated, keep tensors in external data or use an unsupported element type.</exception>
    public static OnnxModel Load(Stream stream, string name = "(stream)")
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        if (bytes.Length == 0)
            throw new OnnxFormatException(name, "is empty (0 bytes); an ONNX model file holds a ModelProto. Was the download or copy cut off?");
        Proto.ModelProto model;
        try
        {
            model = Proto.ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(name, $"is not a valid ONNX protobuf: it is truncated, corrupt or not an ONNX model ({e.Message}).", e);
        }
        if (model.Graph is null)
            throw new OnnxFormatException(name, $"holds no ONNX graph in its {bytes.Length} bytes: this is not an ONNX model (ModelProto) file.");
        if (model.IrVersion <= 0)
            throw new OnnxFormatException(name, $"declares IR version {model.IrVersion}; an ONNX model has a positive ir_version. Is this an ONNX model file?");
        return new OnnxModel(name, model);
    }

    /// <summary>The file (or stream name) the model was read from.</summary>
    public string Source { get; }

    /// <summary>The ONNX IR version (e.g. 3).</summary>
    public long IrVersion { get; }

    /// <summary>The tool that wrote the model (e.g. <c>CNTK</c>).</summary>
    public string ProducerName { get; }

    /// <summary>The version of the tool that wrote the model.</summary>
    public string ProducerVersion { get; }

    /// <summary>The graph's name.</summary>
    public string GraphName { get; }

    /// <summary>Operator set versions by domain (empty string: the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; }

    /// <summary>The initializers (weights) by name, as TorchSharp tensors on the CPU, owned by this model.</summary>
    public IReadOnlyDictionary<string, Tensor> Initializers
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return initializers;
        }
    }

    /// <summary>The initializer names in file order.</summary>
    public IReadOnlyList<string> InitializerNames { get; }

    /// <summary>The nodes in graph order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>The graph inputs that are not initializers (IR 3 files list every initializer as an input too).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }

    /// <summary>Releases every tensor the model holds (initializers and tensor attributes).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in ownedTensors) t.Dispose();
    }

    private static OnnxAttribute ReadAttribute(Proto.AttributeProto a, Proto.NodeProto node, string source, List<Tensor> owned)
    {
        var type = Proto.AttributeProto.Descriptor.EnumTypes.Single(e => e.Name == "AttributeType").FindValueByNumber((int)a.Type)?.Name ?? $"#{(int)a.Type}";
        object? value = a.Type switch
        {
            Proto.AttributeProto.Types.AttributeType.Float => a.F,
            Proto.AttributeProto.Types.AttributeType.Int => a.I,
            Proto.AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
            Proto.AttributeProto.Types.AttributeType.Floats => a.Floats.ToArray(),
            Proto.AttributeProto.Types.AttributeType.Ints => a.Ints.ToArray(),
            Proto.AttributeProto.Types.AttributeType.Strings => a.Strings.Select(s => s.ToStringUtf8()).ToArray(),
            Proto.AttributeProto.Types.AttributeType.Tensor when a.T is not null => ReadOwned(a.T, source, $"attribute '{a.Name}' of node '{node.Name}' ({node.OpType}), tensor", owned),
            _ => null,
        };
        return new OnnxAttribute(a.Name, type, value);
    }

    private static Tensor ReadOwned(Proto.TensorProto proto, string source, string what, List<Tensor> owned)
    {
        var t = OnnxTensorReader.Read(proto, source, what);
        owned.Add(t);
        return t;
    }

    private static OnnxValueInfo ReadValueInfo(Proto.ValueInfoProto info)
    {
        var tensorType = info.Type?.TensorType;
        if (tensorType is null) return new OnnxValueInfo(info.Name, null, null, null);
        var elemName = OnnxTensorReader.ElementTypeName(tensorType.ElemType);
        if (tensorType.Shape is null) return new OnnxValueInfo(info.Name, elemName, null, null);
        var dims = tensorType.Shape.Dim;
        return new OnnxValueInfo(
            info.Name,
            elemName,
            dims.Select(d => d.ValueCase == Proto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray(),
            dims.Select(d => d.ValueCase == Proto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : "").ToArray());
    }
}
