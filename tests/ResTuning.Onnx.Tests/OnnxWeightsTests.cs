using System.IO;
using ResTuning.Checkpoints;
using ResTuning.Onnx.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace ResTuning.Onnx.Tests;

public class OnnxWeightsTests
{
    private static OnnxModel LinearModel(long outFeatures = 2, params string[] extra)
    {
        var tensors = new List<global::Onnx.TensorProto>
        {
            OnnxWriter.Raw("W", Enumerable.Range(0, (int)outFeatures * 3).Select(i => (float)i).ToArray(), DataType.Float, outFeatures, 3),
            OnnxWriter.Floats("B", Enumerable.Range(0, (int)outFeatures).Select(i => -(float)i).ToArray(), outFeatures),
        };
        tensors.AddRange(extra.Select(name => OnnxWriter.Floats(name, new[] { 1f }, 1)));
        return OnnxModel.Load(new MemoryStream(global::Google.Protobuf.MessageExtensions.ToByteArray(OnnxWriter.Model(tensors.ToArray()))), "linear.onnx");
    }

    [Fact]
    public void Loads_through_the_name_map()
    {
        using var model = LinearModel();
        using var linear = nn.Linear(3, 2);
        model.LoadInto(linear, new Dictionary<string, string> { ["W"] = "weight", ["B"] = "bias" });
        Assert.Equal(new[] { 0f, 1, 2, 3, 4, 5 }, linear.weight!.data<float>().ToArray());
        Assert.Equal(new[] { 0f, -1 }, linear.bias!.data<float>().ToArray());
    }

    [Fact]
    public void Unused_tensors_and_unfilled_parameters_are_both_named_and_nothing_loads()
    {
        using var model = LinearModel(2, "Extra");
        using var linear = nn.Linear(3, 2);
        var before = linear.weight!.clone();
        var error = Assert.Throws<OnnxFormatException>(() => model.LoadInto(linear, new Dictionary<string, string> { ["W"] = "weight" }));
        Assert.Contains("ONNX tensors left unused: B, Extra", error.Message);
        Assert.Contains("module entries left unfilled: bias", error.Message);
        Assert.Contains("linear.onnx", error.Message);
        Assert.True(linear.weight!.equal(before).all().item<bool>());
    }

    [Fact]
    public void Ignored_tensors_are_allowed()
    {
        using var model = LinearModel(2, "Shape");
        using var linear = nn.Linear(3, 2);
        model.LoadInto(linear, new Dictionary<string, string> { ["W"] = "weight", ["B"] = "bias" }, ignored: new[] { "Shape" });
        Assert.Equal(-1f, linear.bias![1].item<float>());
    }

    [Fact]
    public void Map_naming_missing_tensors_or_entries_is_refused()
    {
        using var model = LinearModel();
        using var linear = nn.Linear(3, 2);
        var error = Assert.Throws<OnnxFormatException>(() => model.LoadInto(linear,
            new Dictionary<string, string> { ["W"] = "weight", ["B"] = "bais", ["Nope"] = "bias" }));
        Assert.Contains("does not have: Nope", error.Message);
        Assert.Contains("B → bais", error.Message);
    }

    [Fact]
    public void Shape_mismatch_goes_through_the_state_dict_checks_and_changes_nothing()
    {
        using var model = LinearModel(outFeatures: 4);
        using var linear = nn.Linear(3, 2);
        var before = linear.weight!.clone();
        var error = Assert.Throws<CheckpointException>(() => model.LoadInto(linear, new Dictionary<string, string> { ["W"] = "weight", ["B"] = "bias" }));
        Assert.Contains("mis-shaped", error.Message);
        Assert.Contains("nothing was loaded", error.Message);
        Assert.True(linear.weight!.equal(before).all().item<bool>());
    }

    [Fact]
    public void Missing_pretrained_file_names_the_file_and_the_fix()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ImageNetResNet18.Load("/nonexistent/ResNet18.onnx"));
        Assert.Contains("/nonexistent/ResNet18.onnx", error.Message);
        Assert.Contains("PackageDownload", error.Message);
        Assert.Contains(ImageNetResNet18.PackageId, error.Message);
    }
}
