using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using ResTuning.Checkpoints;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Checkpoints;

/// <summary>
/// The corrupt files and interrupted saves of issue 12: every format error is a <see cref="CheckpointException"/>
/// naming file and tensor, thrown before any weight changes.
/// </summary>
public sealed class CheckpointIntegrityTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("restuning-integrity-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Saved(nn.Module model, string name = "tuners.safetensors")
    {
        var path = Path.Combine(folder, name);
        TunerCheckpoint.Save(model, path);
        return path;
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="target"/>, expecting a refusal that leaves every weight as it was.</summary>
    private static CheckpointException Refused(nn.Module target, string path, Action<nn.Module, string>? load = null)
    {
        var before = Torch.Snapshot(target);
        var error = Assert.Throws<CheckpointException>(() => (load ?? TunerCheckpoint.Load)(target, path));
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}'", error.Message);
        foreach (var (name, t) in target.state_dict()) Assert.True(Torch.Same(t, before[name]), $"{name} changed");
        return error;
    }

    [Fact]
    public void Relabelled_dtype_is_refused()
    {
        using var _ = Torch.Scope(seed: 120);
        var path = Saved(TunerCheckpointTests.Tuned());
        SafeTensorsEdit.Header(path, h =>
        {
            foreach (var (_, entry) in h.Where(kv => kv.Key != "__metadata__").ToList()) entry!["dtype"] = "I32";
        });

        var error = Refused(TunerCheckpointTests.Tuned(), path);
        Assert.Contains("integrity checksum mismatch", error.Message);
        Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
    }

    [Fact]
    public void Swapped_offsets_of_same_shape_tensors_are_refused()
    {
        using var _ = Torch.Scope(seed: 121);
        static nn.Module Model() => nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4));
        var path = Saved(Model());
        SafeTensorsEdit.Header(path, h =>
        {
            var first = h["0.weight"]!["data_offsets"]!.DeepClone();
            var second = h["1.weight"]!["data_offsets"]!.DeepClone();
            h["0.weight"]!["data_offsets"] = second;
            h["1.weight"]!["data_offsets"] = first;
        });

        var error = Refused(Model(), path);
        Assert.Contains("integrity checksum mismatch", error.Message);
    }

    [Theory]
    [InlineData(SafeTensorsFile.IntegrityKey, "has no integrity hash")]
    [InlineData(SafeTensorsFile.ChecksumKey, "integrity checksum mismatch")]
    [InlineData(TunerCheckpoint.FormatKey, "integrity checksum mismatch")]
    public void Deleted_checksum_or_metadata_key_is_refused(string key, string expected)
    {
        using var _ = Torch.Scope(seed: 122);
        var path = Saved(TunerCheckpointTests.Tuned());
        SafeTensorsEdit.Header(path, h => Assert.True(h["__metadata__"]!.AsObject().Remove(key)));

        var error = Refused(TunerCheckpointTests.Tuned(), path);
        Assert.Contains(expected, error.Message);
        if (key == SafeTensorsFile.IntegrityKey)
        {
            // The message names the fix, and the generated models' SaveTuners goes through the same check.
            Assert.Contains("TunerCheckpoint.Save", error.Message);
            Assert.Contains("SaveTuners", error.Message);
            Assert.Contains(SafeTensorsFile.IntegrityKey, error.Message);
        }
    }

    [Fact]
    public void A_file_with_only_the_data_checksum_stays_readable_as_plain_safetensors_but_not_as_tuners()
    {
        using var _ = Torch.Scope(seed: 123);
        var source = TunerCheckpointTests.Tuned();
        var path = Saved(source);
        SafeTensorsEdit.Header(path, h => h["__metadata__"]!.AsObject().Remove(SafeTensorsFile.IntegrityKey));

        // Like a file of an older ResTuning: SafeTensorsFile.Read checks the data hash it has...
        var tensors = SafeTensorsFile.Read(path);
        foreach (var (name, t) in tensors) Assert.True(Torch.Same(t, source.state_dict()[name]), name);
        Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path, requireIntegrity: true));
        // ...and still catches a flipped data byte through it.
        var bytes = File.ReadAllBytes(path);
        bytes[^2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("data checksum mismatch", Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path)).Message);
    }

    [Theory]
    [InlineData("dtype")]
    [InlineData("shape")]
    [InlineData("data_offsets")]
    public void Missing_field_is_refused_naming_file_and_tensor(string field)
    {
        using var _ = Torch.Scope(seed: 124);
        var path = Saved(TunerCheckpointTests.Tuned());
        SafeTensorsEdit.Header(path, h => Assert.True(h["tuners.lora.lora_A"]!.AsObject().Remove(field)));

        var error = Refused(TunerCheckpointTests.Tuned(), path);
        Assert.Contains($"tensor 'tuners.lora.lora_A' has no '{field}'", error.Message);
        Assert.Contains($"tensor 'tuners.lora.lora_A' has no '{field}'", Assert.Throws<CheckpointException>(() => SafeTensorsFile.ReadHeader(path)).Message);
    }

    [Theory]
    [InlineData("[4611686018427387904, 4]", "overflows")]           // elements overflow
    [InlineData("[2305843009213693952]", "overflows")]              // elements fit, bytes (× 4) overflow
    [InlineData("[1099511627776]", "needs 4398046511104 bytes")]    // fits, but not in the offsets
    [InlineData("[-1, 4]", "negative dimension")]
    [InlineData("[2.5]", "not a 64-bit integer")]
    [InlineData("\"4\"", "not an array of integers")]
    public void Bad_shape_is_refused_before_any_allocation(string shape, string expected)
    {
        using var _ = Torch.Scope(seed: 125);
        var path = Path.Combine(folder, "shape.safetensors");
        SafeTensorsEdit.Raw(path, $"{{\"w\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[0,16]}}}}", new byte[16]);

        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains(expected, error.Message);
        var target = nn.Linear(4, 1);
        Refused(target, path, (m, p) => StateDictLoader.Load(m, SafeTensorsFile.Read(p), p));
    }

    [Fact]
    public void Implausible_rank_is_refused()
    {
        var path = Path.Combine(folder, "rank.safetensors");
        var shape = "[" + string.Join(",", Enumerable.Repeat(1, 65)) + "]";
        SafeTensorsEdit.Raw(path, $"{{\"w\":{{\"dtype\":\"U8\",\"shape\":{shape},\"data_offsets\":[0,1]}}}}", new byte[1]);
        Assert.Contains("tensor 'w' has 65 dimensions", Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path)).Message);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 16, "tensor 'b'", "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16, "tensor 'b'", "gap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "tensor 'a'", "ends at byte 16")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "tensor 'a'", "begin ≤ end")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "tensor 'a'", "1 data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a'", "twice")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a'", "two 'dtype'")]
    [InlineData("{\"a\":5}", 8, "tensor 'a'", "not an object")]
    [InlineData("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor 'a'", "dtype, not a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"k\":1}}", 8, "metadata key 'k'", "strings")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":[]}", 8, "__metadata__", "not an object")]
    [InlineData("[1,2]", 8, "header", "not a JSON object")]
    [InlineData("", 8, "header", "not valid JSON")]
    public void Inconsistent_headers_are_refused_naming_the_tensor(string header, int dataBytes, string culprit, string expected)
    {
        var path = Path.Combine(folder, "bad.safetensors");
        SafeTensorsEdit.Raw(path, header, new byte[dataBytes]);
        var error = Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.Contains($"'{path}'", error.Message);
        Assert.Contains(culprit, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_path_is_a_checkpoint_error(string path)
    {
        using var _ = Torch.Scope(seed: 126);
        var target = TunerCheckpointTests.Tuned();
        Assert.Contains("path is empty", Refused(target, path).Message);
        Assert.Throws<CheckpointException>(() => SafeTensorsFile.Read(path));
        Assert.Throws<CheckpointException>(() => SafeTensorsFile.ReadHeader(path));
        Assert.Throws<ArgumentException>(() => TunerCheckpoint.Save(target, path));
    }

    [Fact]
    public void Missing_file_or_folder_is_a_checkpoint_error()
    {
        using var _ = Torch.Scope(seed: 127);
        Refused(TunerCheckpointTests.Tuned(), Path.Combine(folder, "absent.safetensors"));
        Refused(TunerCheckpointTests.Tuned(), folder);
    }

    [Theory]
    [InlineData(5)]       // inside the data section
    [InlineData(-12)]     // all but the first 12 bytes: inside the header
    [InlineData(-4)]      // inside the length field
    public void Truncated_file_is_refused(int cut)
    {
        using var _ = Torch.Scope(seed: 128);
        var path = Saved(TunerCheckpointTests.Tuned());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, cut > 0 ? bytes[..^cut] : bytes[..(-cut)]);
        var error = Refused(TunerCheckpointTests.Tuned(), path);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Non_finite_weights_are_refused_by_default_and_loaded_with_the_opt_out()
    {
        using var _ = Torch.Scope(seed: 129);
        var source = TunerCheckpointTests.Tuned();
        using (no_grad())
        {
            source.state_dict()["tuners.lora.lora_A"][0, 0].fill_(float.NaN);
            source.state_dict()["tuners.adapter.up.weight"][1, 2].fill_(float.PositiveInfinity);
        }
        var path = Saved(source);

        var error = Refused(TunerCheckpointTests.Tuned(), path);
        Assert.Contains("tuners.lora.lora_A (1 NaN, 0 Inf of 32)", error.Message);
        Assert.Contains("tuners.adapter.up.weight (0 NaN, 1 Inf", error.Message);
        Assert.Contains("allowNonFinite: true", error.Message);

        var target = TunerCheckpointTests.Tuned();
        TunerCheckpoint.Load(target, path, TunerCheckpoint.TrainableNames(target), allowNonFinite: true);
        var state = target.state_dict();
        Assert.True(float.IsNaN(state["tuners.lora.lora_A"][0, 0].item<float>()));
        Assert.True(float.IsPositiveInfinity(state["tuners.adapter.up.weight"][1, 2].item<float>()));
        foreach (var name in TunerCheckpoint.TrainableNames(source))
            Assert.True(state[name].eq(source.state_dict()[name]).logical_or(state[name].isnan()).all().item<bool>(), name);
    }

    [Fact]
    public void A_foreign_integer_tensor_is_not_loaded_into_a_float_parameter()
    {
        using var _ = Torch.Scope(seed: 130);
        var path = Path.Combine(folder, "foreign.safetensors");
        var header = "{\"weight\":{\"dtype\":\"I32\",\"shape\":[1,4],\"data_offsets\":[0,16]},\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        SafeTensorsEdit.Raw(path, header, new byte[20]);
        var error = Refused(nn.Linear(4, 1), path, (m, p) => StateDictLoader.Load(m, SafeTensorsFile.Read(p), p));
        Assert.Contains("mis-typed: weight: checkpoint Int32 vs module Float32", error.Message);
    }

    [Fact]
    public void A_disposed_model_refuses_to_save_and_the_old_file_is_unchanged()
    {
        using var _ = Torch.Scope(seed: 131);
        var model = TunerCheckpointTests.Tuned();
        var path = Saved(model);
        var before = File.ReadAllBytes(path);
        model.Dispose();

        // As the generated SaveTuners calls it: names enumerated lazily from the (disposed) parameters.
        static IEnumerable<string> Trainable(nn.Module m)
        {
            foreach (var (name, parameter) in m.named_parameters())
                if (parameter.requires_grad) yield return name;
        }
        var error = Assert.Throws<ObjectDisposedException>(() => TunerCheckpoint.Save(model, path, Trainable(model)));
        Assert.Contains("disposed", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Throws<ObjectDisposedException>(() => TunerCheckpoint.Save(model, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void Saving_nothing_is_refused_and_the_old_file_is_unchanged()
    {
        using var _ = Torch.Scope(seed: 132);
        var model = TunerCheckpointTests.Tuned();
        var path = Saved(model);
        var before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => TunerCheckpoint.Save(model, path, Array.Empty<string>()));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Stale_temporaries_of_a_killed_save_are_removed_by_the_next_save()
    {
        using var _ = Torch.Scope(seed: 133);
        var model = TunerCheckpointTests.Tuned();
        var path = Saved(model);
        string Temp(string target) => Path.Combine(folder, $".{target}.{Guid.NewGuid():N}.tmp");
        var old = DateTime.UtcNow.AddHours(-1);

        var stale = new[] { Temp("tuners.safetensors"), Temp("tuners.safetensors") };
        var otherTarget = Temp("other.safetensors");
        var notOurs = Path.Combine(folder, ".tuners.safetensors.backup.tmp");
        foreach (var file in stale.Append(otherTarget).Append(notOurs))
        {
            File.WriteAllBytes(file, new byte[4096]);
            File.SetLastWriteTimeUtc(file, old);
        }
        var recent = Temp("tuners.safetensors");
        File.WriteAllBytes(recent, new byte[16]);   // possibly a save still running
        var locked = Temp("tuners.safetensors");
        File.WriteAllBytes(locked, new byte[16]);
        File.SetLastWriteTimeUtc(locked, old);

        using (new FileStream(locked, FileMode.Open, FileAccess.ReadWrite, FileShare.None))   // a save in progress holds its temporary so
            TunerCheckpoint.Save(model, path);

        foreach (var file in stale) Assert.False(File.Exists(file), file);
        foreach (var file in new[] { otherTarget, notOurs, recent, locked }) Assert.True(File.Exists(file), file);
        var target = TunerCheckpointTests.Tuned();
        TunerCheckpoint.Load(target, path);
    }

    [Fact]
    public void Valid_round_trip_leaves_weights_equal_to_the_saved_tensors()
    {
        using var _ = Torch.Scope(seed: 134);
        var source = TunerCheckpointTests.Tuned();
        var path = Saved(source);
        var header = SafeTensorsFile.ReadHeader(path);
        Assert.StartsWith("sha256:", header.Metadata[SafeTensorsFile.IntegrityKey]);
        Assert.Equal(TunerCheckpoint.FormatValue, header.Metadata[TunerCheckpoint.FormatKey]);

        var saved = SafeTensorsFile.Read(path, requireIntegrity: true);
        var target = TunerCheckpointTests.Tuned();
        var frozenBefore = Torch.Snapshot(target);
        TunerCheckpoint.Load(target, path);

        var names = TunerCheckpoint.TrainableNames(source);
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), saved.Keys.OrderBy(n => n, StringComparer.Ordinal));
        var state = target.state_dict();
        foreach (var name in names)
        {
            Assert.True(Torch.Same(saved[name], source.state_dict()[name]), $"{name} saved");
            Assert.True(Torch.Same(state[name], saved[name]), $"{name} loaded");
            Assert.Equal(saved[name].dtype, state[name].dtype);
        }
        foreach (var (name, t) in state.Where(kv => !names.Contains(kv.Key)))
            Assert.True(Torch.Same(t, frozenBefore[name]), $"frozen {name} changed");
    }
}

/// <summary>Writes and edits safetensors files byte by byte, independently of the library.</summary>
internal static class SafeTensorsEdit
{
    public static void Raw(string path, string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)h.Length);
        File.WriteAllBytes(path, length.Concat(h).Concat(data).ToArray());
    }

    public static void Header(string path, Action<JsonObject> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, length))!.AsObject();
        edit(header);
        Raw(path, header.ToJsonString(), bytes[(8 + length)..]);
    }
}
