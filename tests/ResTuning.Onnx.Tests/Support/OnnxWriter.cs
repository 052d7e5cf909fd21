using System.IO;
using Google.Protobuf;
using Proto = global::Onnx;

namespace ResTuning.Onnx.Tests.Support;

/// <summary>Builds small ONNX files with Google.Protobuf for the reader tests.</summary>
internal static class OnnxWriter
{
    // One folder per test process, removed when the process exits, so test runs leave nothing in /tmp.
    private static readonly string Folder = CreateFolder();

    private static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("restuning-onnx-tests-").FullName;
        System.AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (System.UnauthorizedAccessException) { }
        };
        return folder;
    }

    public static Proto.TensorProto Raw<T>(string name, T[] values, Proto.TensorProto.Types.DataType type, params long[] dims) where T : unmanaged
    {
        var t = new Proto.TensorProto { Name = name, DataType = (int)type };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes<T>(values));
        return t;
    }

    public static Proto.TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var t = new Proto.TensorProto { Name = name, DataType = (int)Proto.TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    public static Proto.ModelProto Model(params Proto.TensorProto[] initializers)
    {
        var graph = new Proto.GraphProto { Name = "test" };
        graph.Initializer.AddRange(initializers);
        var model = new Proto.ModelProto { IrVersion = 8, ProducerName = "ResTuning.Onnx.Tests", Graph = graph };
        model.OpsetImport.Add(new Proto.OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    public static string Write(Proto.ModelProto model, string name)
    {
        var path = Path.Combine(Folder, name + ".onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    public static string WriteBytes(byte[] bytes, string name)
    {
        var path = Path.Combine(Folder, name + ".onnx");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
