using System.IO;
using Google.Protobuf;
using ResTuning.Onnx.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using DataType = global::Onnx.TensorProto.Types.DataType;
using Proto = global::Onnx;

namespace ResTuning.Onnx.Tests;

public class OnnxModelTests
{
    private static Proto.ModelProto SampleModel()
    {
        var model = OnnxWriter.Model(
            OnnxWriter.Raw("raw_f32", new[] { 1f, -2f, 3.5f, 4f, 5f, 6f }, DataType.Float, 2, 3),
            OnnxWriter.Floats("typed_f32", new[] { 0.25f, 0.5f, 0.75f }, 3),
            OnnxWriter.Raw("raw_f64", new[] { 1.0 / 3, 2.5 }, DataType.Double, 2),
            OnnxWriter.Raw("raw_i64", new[] { long.MaxValue, -7L, 0L, 9L }, DataType.Int64, 2, 2),
            OnnxWriter.Raw("raw_u8", new byte[] { 0, 128, 255 }, DataType.Uint8, 3),
            OnnxWriter.Raw("raw_f16", new[] { BitConverter.HalfToUInt16Bits((Half)1.5f), BitConverter.HalfToUInt16Bits((Half)(-0.25f)) }, DataType.Float16, 2),
            OnnxWriter.Raw("scalar_f32", new[] { 42f }, DataType.Float));
        var typedI64 = new Proto.TensorProto { Name = "typed_i64", DataType = (int)DataType.Int64 };
        typedI64.Dims.AddRange(new long[] { 1, 3 });
        typedI64.Int64Data.AddRange(new long[] { -1, 2, 1L << 40 });
        var typedI32 = new Proto.TensorProto { Name = "typed_i32", DataType = (int)DataType.Int32 };
        typedI32.Dims.Add(2);
        typedI32.Int32Data.AddRange(new[] { int.MinValue, 17 });
        var typedF64 = new Proto.TensorProto { Name = "typed_f64", DataType = (int)DataType.Double };
        typedF64.Dims.Add(1);
        typedF64.DoubleData.Add(Math.PI);
        var typedBool = new Proto.TensorProto { Name = "typed_bool", DataType = (int)DataType.Bool };
        typedBool.Dims.Add(3);
        typedBool.Int32Data.AddRange(new[] { 1, 0, 1 });
        var typedBf16 = new Proto.TensorProto { Name = "typed_bf16", DataType = (int)DataType.Bfloat16 };
        typedBf16.Dims.Add(2);
        typedBf16.Int32Data.AddRange(new[] { BitConverter.SingleToInt32Bits(2f) >>> 16, BitConverter.SingleToInt32Bits(-0.5f) >>> 16 });
        model.Graph.Initializer.Add(new[] { typedI64, typedI32, typedF64, typedBool, typedBf16 });

        var conv = new Proto.NodeProto { OpType = "Conv", Name = "conv0" };
        conv.Input.AddRange(new[] { "x", "raw_f32" });
        conv.Output.Add("y");
        var strides = new Proto.AttributeProto { Name = "strides", Type = Proto.AttributeProto.Types.AttributeType.Ints };
        strides.Ints.AddRange(new long[] { 2, 2 });
        conv.Attribute.Add(strides);
        conv.Attribute.Add(new Proto.AttributeProto { Name = "alpha", Type = Proto.AttributeProto.Types.AttributeType.Float, F = 0.5f });
        conv.Attribute.Add(new Proto.AttributeProto { Name = "group", Type = Proto.AttributeProto.Types.AttributeType.Int, I = 1 });
        conv.Attribute.Add(new Proto.AttributeProto { Name = "auto_pad", Type = Proto.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("NOTSET") });
        conv.Attribute.Add(new Proto.AttributeProto { Name = "value", Type = Proto.AttributeProto.Types.AttributeType.Tensor, T = OnnxWriter.Floats("", new[] { 9f, 8f }, 2) });
        model.Graph.Node.Add(conv);

        model.Graph.Input.Add(ValueInfo("x", DataType.Float, ("N", 0), ("", 3), ("", 8), ("", 8)));
        model.Graph.Input.Add(ValueInfo("raw_f32", DataType.Float, ("", 2), ("", 3))); // IR 3 style: initializer listed as input
        model.Graph.Output.Add(ValueInfo("y", DataType.Float, ("N", 0), ("", 2), ("", 4), ("", 4)));
        return model;
    }

    private static Proto.ValueInfoProto ValueInfo(string name, DataType type, params (string Param, long Value)[] dims)
    {
        var shape = new Proto.TensorShapeProto();
        foreach (var (param, value) in dims)
            shape.Dim.Add(param.Length > 0 ? new Proto.TensorShapeProto.Types.Dimension { DimParam = param } : new Proto.TensorShapeProto.Types.Dimension { DimValue = value });
        return new Proto.ValueInfoProto { Name = name, Type = new Proto.TypeProto { TensorType = new Proto.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    [Fact]
    public void Reads_initializers_of_every_dtype_from_raw_data_and_typed_fields()
    {
        var path = OnnxWriter.Write(SampleModel(), "sample");
        using var model = OnnxModel.Load(path);
        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, model.Opsets[""]);
        var t = model.Initializers;
        Assert.Equal(new long[] { 2, 3 }, t["raw_f32"].shape);
        Assert.Equal(ScalarType.Float32, t["raw_f32"].dtype);
        Assert.Equal(new[] { 1f, -2f, 3.5f, 4f, 5f, 6f }, t["raw_f32"].data<float>().ToArray());
        Assert.Equal(new[] { 0.25f, 0.5f, 0.75f }, t["typed_f32"].data<float>().ToArray());
        Assert.Equal(ScalarType.Float64, t["raw_f64"].dtype);
        Assert.Equal(new[] { 1.0 / 3, 2.5 }, t["raw_f64"].data<double>().ToArray());
        Assert.Equal(new[] { Math.PI }, t["typed_f64"].data<double>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, t["raw_i64"].shape);
        Assert.Equal(new[] { long.MaxValue, -7L, 0L, 9L }, t["raw_i64"].data<long>().ToArray());
        Assert.Equal(new long[] { 1, 3 }, t["typed_i64"].shape);
        Assert.Equal(new[] { -1L, 2L, 1L << 40 }, t["typed_i64"].data<long>().ToArray());
        Assert.Equal(ScalarType.Int32, t["typed_i32"].dtype);
        Assert.Equal(new[] { int.MinValue, 17 }, t["typed_i32"].data<int>().ToArray());
        Assert.Equal(ScalarType.Byte, t["raw_u8"].dtype);
        Assert.Equal(new byte[] { 0, 128, 255 }, t["raw_u8"].data<byte>().ToArray());
        Assert.Equal(ScalarType.Bool, t["typed_bool"].dtype);
        Assert.Equal(new[] { true, false, true }, t["typed_bool"].data<bool>().ToArray());
        Assert.Equal(ScalarType.Float16, t["raw_f16"].dtype);
        Assert.Equal(new[] { 1.5f, -0.25f }, t["raw_f16"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(ScalarType.BFloat16, t["typed_bf16"].dtype);
        Assert.Equal(new[] { 2f, -0.5f }, t["typed_bf16"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Empty(t["scalar_f32"].shape);
        Assert.Equal(42f, t["scalar_f32"].item<float>());
        Assert.Equal("raw_f32", model.InitializerNames[0]);
        Assert.Equal(12, model.InitializerNames.Count);
    }

    [Fact]
    public void Reads_nodes_attributes_inputs_and_outputs()
    {
        using var model = OnnxModel.Load(new MemoryStream(SampleModel().ToByteArray()), "sample");
        var node = Assert.Single(model.Nodes);
        Assert.Equal("Conv", node.OpType);
        Assert.Equal("conv0", node.Name);
        Assert.Equal(new[] { "x", "raw_f32" }, node.Inputs);
        Assert.Equal(new[] { "y" }, node.Outputs);
        Assert.Equal(new long[] { 2, 2 }, Assert.IsType<long[]>(node.Attribute("strides")));
        Assert.Equal(0.5f, node.Attribute("alpha"));
        Assert.Equal(1L, node.Attribute("group"));
        Assert.Equal("NOTSET", node.Attribute("auto_pad"));
        Assert.Equal("INTS", node.Attributes["strides"].Type);
        Assert.Equal(new[] { 9f, 8f }, Assert.IsAssignableFrom<Tensor>(node.Attribute("value")).data<float>().ToArray());
        Assert.Null(node.Attribute("missing"));

        var input = Assert.Single(model.Inputs); // the initializer listed as an input is not a graph input
        Assert.Equal("x", input.Name);
        Assert.Equal("FLOAT", input.ElementType);
        Assert.Equal(new long?[] { null, 3, 8, 8 }, input.Shape);
        Assert.Equal("N", input.DimNames![0]);
        Assert.Equal(new long?[] { null, 2, 4, 4 }, Assert.Single(model.Outputs).Shape);
    }

    [Fact]
    public void Dispose_releases_the_tensors()
    {
        var model = OnnxModel.Load(new MemoryStream(SampleModel().ToByteArray()), "sample");
        var weight = model.Initializers["raw_f32"];
        model.Dispose();
        Assert.True(weight.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => model.Initializers);
    }

    [Fact]
    public void Not_an_onnx_file_is_refused_with_its_name()
    {
        var path = OnnxWriter.WriteBytes(System.Text.Encoding.UTF8.GetBytes("this is not an ONNX model, just text\n"), "garbage");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        Assert.Contains("not", error.Message);
        Assert.Contains("ONNX model", error.Message);

        var random = new byte[4096];
        new Random(5).NextBytes(random);
        var randomPath = OnnxWriter.WriteBytes(random, "random");
        var randomError = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(randomPath));
        Assert.Contains(randomPath, randomError.Message);
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var path = OnnxWriter.WriteBytes(Array.Empty<byte>(), "empty");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("empty", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        var bytes = OnnxWriter.Model(OnnxWriter.Raw("w", Enumerable.Range(0, 1000).Select(i => (float)i).ToArray(), DataType.Float, 1000)).ToByteArray();
        var path = OnnxWriter.WriteBytes(bytes[..(bytes.Length / 2)], "truncated");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void External_data_is_refused_naming_the_tensor_and_location()
    {
        var tensor = new Proto.TensorProto { Name = "big_weight", DataType = (int)DataType.Float, DataLocation = Proto.TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(4);
        tensor.ExternalData.Add(new Proto.StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var path = OnnxWriter.Write(OnnxWriter.Model(tensor), "external");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("big_weight", error.Message);
        Assert.Contains("weights.bin", error.Message);
        Assert.Contains("external", error.Message);
    }

    [Theory]
    [InlineData((int)DataType.Complex64, "COMPLEX64")]
    [InlineData((int)DataType.String, "STRING")]
    [InlineData((int)DataType.Float8E4M3Fn, "FLOAT8E4M3FN")]
    public void Unsupported_element_type_is_named(int type, string name)
    {
        var tensor = new Proto.TensorProto { Name = "odd", DataType = type, RawData = ByteString.CopyFrom(new byte[8]) };
        tensor.Dims.Add(1);
        var path = OnnxWriter.Write(OnnxWriter.Model(tensor), "dtype-" + name);
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains(name, error.Message);
        Assert.Contains("'odd'", error.Message);
    }

    [Fact]
    public void Data_length_that_does_not_match_the_dims_is_refused()
    {
        var path = OnnxWriter.Write(OnnxWriter.Model(OnnxWriter.Floats("short", new[] { 1f, 2f }, 3)), "short");
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("'short'", error.Message);
        Assert.Contains("float_data holds 2 values", error.Message);
    }
}
