using System.IO;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Onnx.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ResNet = ResTuning.Backbones.ResNet;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Proto = global::Onnx;

namespace ResTuning.Onnx.Tests;

/// <summary>
/// A small ResNet written to ONNX the way CNTK does it (initializers under meaningless names, each downsample before its
/// block's main branch), read back through the graph-derived name map and checked against ONNX Runtime.
/// </summary>
public class ResNetOnnxTests
{
    private static readonly ResNetConfig Small = ResNetConfig.Custom(BlockKind.Basic, new[] { 1, 2 }, classes: 3);

    private sealed class GraphWriter(Proto.GraphProto graph, nn.Module source)
    {
        private int counter;
        private readonly Dictionary<string, Tensor> state = source.state_dict();

        private string Param(string stateName)
        {
            var t = state[stateName].detach().contiguous();
            var name = $"Parameter{900 - counter++ * 7}"; // unordered, meaningless names
            graph.Initializer.Add(OnnxWriter.Raw(name, t.data<float>().ToArray(), global::Onnx.TensorProto.Types.DataType.Float, t.shape));
            return name;
        }

        public string Node(string op, string[] inputs, params Proto.AttributeProto[] attributes)
        {
            var node = new Proto.NodeProto { OpType = op, Name = $"{op}{graph.Node.Count}" };
            node.Input.AddRange(inputs);
            node.Output.Add(node.Name + "_Output_0");
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return node.Output[0];
        }

        public string ConvBn(string x, string prefix, string bnPrefix, long kernel, long stride)
        {
            var pad = kernel / 2;
            var conv = Node("Conv", new[] { x, Param(prefix + ".weight") }, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad));
            return Node("BatchNormalization", new[] { conv, Param(bnPrefix + ".weight"), Param(bnPrefix + ".bias"), Param(bnPrefix + ".running_mean"), Param(bnPrefix + ".running_var") },
                new Proto.AttributeProto { Name = "epsilon", Type = Proto.AttributeProto.Types.AttributeType.Float, F = 1e-5f });
        }

        public string Gemm(string x) =>
            Node("Gemm", new[] { x, Param("fc.weight"), Param("fc.bias") }, new Proto.AttributeProto { Name = "transB", Type = Proto.AttributeProto.Types.AttributeType.Int, I = 1 });

        public static Proto.AttributeProto Ints(string name, params long[] values)
        {
            var a = new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(values);
            return a;
        }
    }

    private static string Export(ResNet source, string fileName)
    {
        var model = OnnxWriter.Model();
        model.OpsetImport[0].Version = 13;
        var g = new GraphWriter(model.Graph, source);
        var x = g.ConvBn("input", "conv1", "bn1", 7, 2);
        x = g.Node("Relu", new[] { x });
        x = g.Node("MaxPool", new[] { x }, GraphWriter.Ints("kernel_shape", 3, 3), GraphWriter.Ints("strides", 2, 2), GraphWriter.Ints("pads", 1, 1, 1, 1));
        for (var s = 0; s < source.Stages.Count; s++)
        {
            for (var b = 0; b < source.Stages[s].Count; b++)
            {
                var p = $"layer{s + 1}.{b}";
                var stride = b == 0 && s > 0 ? 2 : 1;
                var shortcut = source.Stages[s][b].Downsample is null ? x : g.ConvBn(x, p + ".downsample.0", p + ".downsample.1", 1, stride);
                var h = g.Node("Relu", new[] { g.ConvBn(x, p + ".conv1", p + ".bn1", 3, stride) });
                h = g.ConvBn(h, p + ".conv2", p + ".bn2", 3, 1);
                x = g.Node("Relu", new[] { g.Node("Add", new[] { h, shortcut }) });
            }
        }
        x = g.Node("GlobalAveragePool", new[] { x });
        x = g.Node("Flatten", new[] { x });
        var y = g.Gemm(x);
        model.Graph.Input.Add(new Proto.ValueInfoProto { Name = "input", Type = FloatType(1, 3, 32, 32) });
        model.Graph.Output.Add(new Proto.ValueInfoProto { Name = y, Type = FloatType(1, 3) });
        return OnnxWriter.Write(model, fileName);
    }

    private static Proto.TypeProto FloatType(params long[] dims)
    {
        var shape = new Proto.TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new Proto.TensorShapeProto.Types.Dimension { DimValue = d });
        return new Proto.TypeProto { TensorType = new Proto.TypeProto.Types.Tensor { ElemType = (int)Proto.TensorProto.Types.DataType.Float, Shape = shape } };
    }

    private static ResNet Source()
    {
        var source = new ResNet(Small);
        using var noGrad = no_grad();
        var generator = new Generator(21);
        foreach (var (name, t) in source.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) t.copy_(randn(t.shape, generator: generator) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) t.copy_(rand(t.shape, generator: generator) + 0.5);
            else if (name.Contains("bn") || name.Contains("downsample.1")) t.copy_(randn(t.shape, generator: generator) * 0.2 + (name.EndsWith("weight", StringComparison.Ordinal) ? 1 : 0));
        }
        source.eval();
        return source;
    }

    [Fact]
    public void Graph_derived_map_restores_every_weight_and_matches_onnx_runtime()
    {
        using var scope = NewDisposeScope();
        using var source = Source();
        var path = Export(source, "small-resnet");
        using var loaded = ResNetOnnx.Load(path, Small);
        Assert.False(loaded.training);
        var expected = source.state_dict();
        foreach (var (name, t) in loaded.state_dict())
            if (!name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                Assert.True(t.equal(expected[name]).all().item<bool>(), name);

        var image = rand(1, 3, 32, 32, generator: new Generator(22));
        Tensor ours;
        using (no_grad()) ours = loaded.call(image);
        using var session = new InferenceSession(path);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor(image.data<float>().ToArray(), new[] { 1, 3, 32, 32 })) });
        var theirs = tensor(results.Single().AsTensor<float>().ToArray(), new long[] { 1, 3 });
        Assert.True(ours.allclose(theirs, rtol: 1e-4, atol: 1e-5), $"ours {string.Join(", ", ours.data<float>().ToArray())} ORT {string.Join(", ", theirs.data<float>().ToArray())}");
    }

    [Fact]
    public void Wrong_stage_counts_or_widths_are_refused_and_change_nothing()
    {
        using var source = Source();
        var path = Export(source, "small-resnet-wrong");
        using var onnx = OnnxModel.Load(path);
        var error = Assert.Throws<OnnxFormatException>(() => ResNetOnnx.NameMap(onnx, ResNetConfig.Custom(BlockKind.Basic, new[] { 2, 2 }, classes: 3)));
        Assert.Contains("has 3 residual Add nodes", error.Message);
        Assert.Throws<OnnxFormatException>(() => ResNetOnnx.NameMap(onnx, ResNetConfig.Custom(BlockKind.Bottleneck, new[] { 1, 2 }, classes: 3)));

        // Right structure, wrong head width: the state-dict checks refuse it before any copy.
        using var other = new ResNet(Small with { Classes = 5 });
        var before = other.Conv1.weight!.clone();
        var mismatch = Assert.Throws<CheckpointException>(() => onnx.LoadInto(other, ResNetOnnx.NameMap(onnx, Small with { Classes = 5 })));
        Assert.Contains("fc.weight", mismatch.Message);
        Assert.True(other.Conv1.weight!.equal(before).all().item<bool>());

        // Without a head in the config, the Gemm's tensors are left over and named.
        using var body = new ResNet(Small with { Classes = 0 });
        var unused = Assert.Throws<OnnxFormatException>(() => onnx.LoadInto(body, ResNetOnnx.NameMap(onnx, Small with { Classes = 0 })));
        Assert.Contains("ONNX tensors left unused: Parameter", unused.Message);
        Assert.Contains("module entries left unfilled: none", unused.Message);
    }
}
