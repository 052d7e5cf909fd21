namespace ResTuning.Checkpoints;

/// <summary>Maps safetensors dtype codes to TorchSharp scalar types and element sizes.</summary>
internal static class SafeTensorsDType
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> ByCode = new()
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static bool TryParse(string code, out ScalarType type, out int size)
    {
        var found = ByCode.TryGetValue(code, out var entry);
        (type, size) = entry;
        return found;
    }

    public static string Code(ScalarType type) =>
        ByCode.FirstOrDefault(kv => kv.Value.Type == type).Key
        ?? throw new System.NotSupportedException($"safetensors has no code for {type}.");

    public static int Size(ScalarType type) => ByCode.Values.First(v => v.Type == type).Size;

    public static string Supported => string.Join(", ", ByCode.Keys);
}
