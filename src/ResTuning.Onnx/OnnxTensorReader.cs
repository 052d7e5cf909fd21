using System.Runtime.InteropServices;
using Google.Protobuf;
using TorchSharp;
using DataType = global::Onnx.TensorProto.Types.DataType;
using TensorProto = global::Onnx.TensorProto;

namespace ResTuning.Onnx;

/// <summary>Turns ONNX <c>TensorProto</c>s into TorchSharp tensors (raw_data or the typed fields, dims honoured).</summary>
internal static class OnnxTensorReader
{
    /// <summary>The element types this reader supports, as ONNX names them.</summary>
    public const string Supported = "FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT64, INT32, INT16, INT8, UINT8, BOOL";

    /// <summary>Reads <paramref name="proto"/>; <paramref name="path"/> and <paramref name="what"/> name it in errors.</summary>
    /// <exception cref="OnnxFormatException">External data, an unsupported element type, or a data length that does not match the dims.</exception>
    public static Tensor Read(TensorProto proto, string path, string what)
    {
        var label = $"{what} '{proto.Name}'";
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            var location = proto.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value ?? "(no location given)";
            throw new OnnxFormatException(path, $"{label} keeps its data in an external file ('{location}'); external data is not supported. " +
                "Save the model with its weights inside the .onnx file (onnx.save_model(model, path, save_as_external_data=False)).");
        }
        if (proto.Segment is not null)
            throw new OnnxFormatException(path, $"{label} is one segment of a chunked tensor; segmented tensors are not supported.");

        var dims = proto.Dims.ToArray();
        if (dims.Any(d => d < 0))
            throw new OnnxFormatException(path, $"{label} has a negative dimension in [{string.Join(", ", dims)}].");
        long count = 1;
        foreach (var d in dims) count = checked(count * d);

        var type = (DataType)proto.DataType;
        var typeName = ElementTypeName(proto.DataType);
        var raw = proto.RawData;
        var hasRaw = !raw.IsEmpty;
        switch (type)
        {
            case DataType.Float:
                return Make(hasRaw ? FromRaw<float>(raw, count, path, label) : Typed(proto.FloatData.ToArray(), count, path, label, "float_data"), dims);
            case DataType.Double:
                return Make(hasRaw ? FromRaw<double>(raw, count, path, label) : Typed(proto.DoubleData.ToArray(), count, path, label, "double_data"), dims);
            case DataType.Int64:
                return Make(hasRaw ? FromRaw<long>(raw, count, path, label) : Typed(proto.Int64Data.ToArray(), count, path, label, "int64_data"), dims);
            case DataType.Int32:
                return Make(hasRaw ? FromRaw<int>(raw, count, path, label) : Int32s(proto, count, path, label), dims);
            case DataType.Int16:
                return Make(hasRaw ? FromRaw<short>(raw, count, path, label) : Int32s(proto, count, path, label).Select(v => (short)v).ToArray(), dims);
            case DataType.Int8:
                return Make(hasRaw ? FromRaw<sbyte>(raw, count, path, label) : Int32s(proto, count, path, label).Select(v => (sbyte)v).ToArray(), dims);
            case DataType.Uint8:
                return Make(hasRaw ? FromRaw<byte>(raw, count, path, label) : Int32s(proto, count, path, label).Select(v => (byte)v).ToArray(), dims);
            case DataType.Bool:
                return Make((hasRaw ? FromRaw<byte>(raw, count, path, label).Select(b => b != 0) : Int32s(proto, count, path, label).Select(v => v != 0)).ToArray(), dims);
            case DataType.Float16:
            {
                var bits = hasRaw ? FromRaw<ushort>(raw, count, path, label) : Int32s(proto, count, path, label).Select(v => (ushort)v).ToArray();
                using var wide = Make(bits.Select(b => (float)BitConverter.UInt16BitsToHalf(b)).ToArray(), dims);
                return wide.to(ScalarType.Float16);
            }
            case DataType.Bfloat16:
            {
                var bits = hasRaw ? FromRaw<ushort>(raw, count, path, label) : Int32s(proto, count, path, label).Select(v => (ushort)v).ToArray();
                using var wide = Make(bits.Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(), dims);
                return wide.to(ScalarType.BFloat16);
            }
            default:
                throw new OnnxFormatException(path, $"{label} has element type {typeName}, which is not supported; supported are {Supported}.");
        }
    }

    /// <summary>The ONNX name of element type <paramref name="dataType"/> (<c>FLOAT</c>, <c>COMPLEX64</c>...), or <c>#n</c> for an unknown number.</summary>
    public static string ElementTypeName(int dataType) =>
        TensorProto.Descriptor.EnumTypes.Single(e => e.Name == "DataType").FindValueByNumber(dataType)?.Name ?? $"#{dataType}";

    private static T[] FromRaw<T>(ByteString raw, long count, string path, string label) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (raw.Length != count * size)
            throw new OnnxFormatException(path, $"{label}: raw_data holds {raw.Length} bytes, its dims need {count} × {size} = {count * size}. The file is corrupt.");
        var values = MemoryMarshal.Cast<byte, T>(raw.Span).ToArray();
        if (!BitConverter.IsLittleEndian && size > 1)
        {
            // ONNX raw_data is little-endian; swap each element on big-endian machines.
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            for (var i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
        }
        return values;
    }

    private static T[] Typed<T>(T[] values, long count, string path, string label, string field)
    {
        if (values.LongLength != count)
            throw new OnnxFormatException(path, $"{label}: {field} holds {values.LongLength} values, its dims need {count}. The file is corrupt.");
        return values;
    }

    private static int[] Int32s(TensorProto proto, long count, string path, string label) =>
        Typed(proto.Int32Data.ToArray(), count, path, label, "int32_data");

    private static Tensor Make<T>(T[] values, long[] dims) where T : unmanaged
    {
        // Dispatch on T, not on the array's runtime type: the CLR lets a byte[] pass as sbyte[] (and back).
        Tensor t = typeof(T) == typeof(float) ? tensor((float[])(object)values, dims)
            : typeof(T) == typeof(double) ? tensor((double[])(object)values, dims)
            : typeof(T) == typeof(long) ? tensor((long[])(object)values, dims)
            : typeof(T) == typeof(int) ? tensor((int[])(object)values, dims)
            : typeof(T) == typeof(short) ? tensor((short[])(object)values, dims)
            : typeof(T) == typeof(sbyte) ? tensor((sbyte[])(object)values, dims, ScalarType.Int8)
            : typeof(T) == typeof(byte) ? tensor((byte[])(object)values, dims, ScalarType.Byte)
            : typeof(T) == typeof(bool) ? tensor((bool[])(object)values, dims)
            : throw new NotSupportedException(typeof(T).Name);
        return t.DetachFromDisposeScope();
    }
}
