using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.Json;
using ResTuning.Checkpoints;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Checkpoints;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-st-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Written_file_follows_the_safetensors_layout()
    {
        using var _ = Torch.Scope(seed: 100);
        var path = Path.Combine(folder, "a.safetensors");
        var weight = tensor(new float[] { 1.5f, -2f, 3.25f, 0f, 7f, -0.5f }).reshape(2, 3);
        var index = tensor(new long[] { 4, 5 });
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = weight, ["i"] = index });

        // Parse the file by hand, independently of the reader.
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd(' '));
        var w = json.RootElement.GetProperty("w");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 2, 3 }, w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var begin = w.GetProperty("data_offsets")[0].GetInt32();
        var data = 8 + headerLength + begin;
        var floats = Enumerable.Range(0, 6).Select(k => BitConverter.ToSingle(bytes, data + 4 * k)).ToArray();
        Assert.Equal(new[] { 1.5f, -2f, 3.25f, 0f, 7f, -0.5f }, floats);
        Assert.Equal("I64", json.RootElement.GetProperty("i").GetProperty("dtype").GetString());
    }

    [Fact]
    public void Reads_a_file_written_by_hand()
    {
        using var _ = Torch.Scope(seed: 101);
        var header = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"__metadata__\":{\"k\":\"v\"}}";
        var path = Path.Combine(folder, "hand.safetensors");
        SafeTensorsEdit.Raw(path, header, BitConverter.GetBytes(0.25).Concat(BitConverter.GetBytes(-8.0)).ToArray());
        var tensors = SafeTensorsFile.Read(path);
        Assert.Equal(ScalarType.Float64, tensors["x"].dtype);
        Assert.Equal(new[] { 0.25, -8.0 }, tensors["x"].data<double>().ToArray());
        Assert.Equal("v", SafeTensorsFile.ReadHeader(path).Metadata["k"]);
    }

    [Fact]
    public void Round_trip_keeps_every_dtype_and_value()
    {
        using var _ = Torch.Scope(seed: 102);
        var path = Path.Combine(folder, "rt.safetensors");
        var original = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 4),
            ["f64"] = randn(5, dtype: ScalarType.Float64),
            ["bf16"] = randn(2, 2).to(ScalarType.BFloat16),
            ["i32"] = randint(0, 100, new long[] { 7 }, dtype: ScalarType.Int32),
            ["scalar"] = tensor(3.0f),
        };
        SafeTensorsFile.Write(path, original);
        var loaded = SafeTensorsFile.Read(path);
        Assert.Equal(original.Keys.OrderBy(k => k), loaded.Keys.OrderBy(k => k));
        foreach (var (name, t) in original)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.True(Torch.Same(t, loaded[name]), name);
        }
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        using var _ = Torch.Scope(seed: 103);
        var path = Path.Combine(folder, "t.safetensors");
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = randn(10, 10) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^7]);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("truncated", error.Message);
        // Every refused file is an UnusableFileException that names the file first.
        UnusableFileException refused = error;
        Assert.Equal(path, refused.Path);
        Assert.StartsWith($"Checkpoint '{path}': ", refused.Message);
    }

    [Fact]
    public void Flipped_data_byte_fails_the_checksum()
    {
        using var _ = Torch.Scope(seed: 104);
        var path = Path.Combine(folder, "c.safetensors");
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = randn(10, 10) });
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("checksum", error.Message);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}")]
    [InlineData("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}")]
    public void Malformed_headers_are_refused(string header)
    {
        var path = Path.Combine(folder, "m.safetensors");
        SafeTensorsEdit.Raw(path, header, new byte[8]);
        Assert.Throws<CheckpointException>(() => SafeTensorsFile.ReadHeader(path));
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_file_and_leaves_no_temporary()
    {
        using var _ = Torch.Scope(seed: 105);
        var path = Path.Combine(folder, "keep.safetensors");
        SafeTensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = ones(3) });
        var before = File.ReadAllBytes(path);

        IEnumerable<KeyValuePair<string, Tensor>> Failing()
        {
            yield return new("w", zeros(3));
            throw new IOException("disk full (simulated)");
        }

        Assert.Throws<IOException>(() => SafeTensorsFile.Write(path, Failing()));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder));
    }
}
