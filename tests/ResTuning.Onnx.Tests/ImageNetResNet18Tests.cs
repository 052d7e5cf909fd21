using System.IO;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using ResTuning.Backbones;
using ResTuning.Data;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.Onnx.Tests;

/// <summary>Loads the pretrained ResNet-18 once for the tests that need it.</summary>
public sealed class PretrainedFixture : IDisposable
{
    public PretrainedFixture() => Model = ImageNetResNet18.Load();

    public ImageNetResNet18 Model { get; }

    /// <summary>The package's tools/DnnImageModels folder (restored by this test project's PackageDownload).</summary>
    public static string PackageFolder { get; } = typeof(PretrainedFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ResTuning.Onnx.Tests.PackageFolder").Value!;

    public void Dispose() => Model.Dispose();
}

public class ImageNetResNet18Tests(PretrainedFixture fixture, ITestOutputHelper output) : IClassFixture<PretrainedFixture>
{
    private const int ImageCount = 6;

    private static SessionOptions Options() => new() { IntraOpNumThreads = 2, InterOpNumThreads = 1 };

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images, <c>uint8 [N, 1, 28, 28]</c>, read with the runtime's IDX reader.</summary>
    private static Tensor FashionMnistImages(int count)
    {
        var path = Path.Combine(FashionMnist.DefaultFolder, "t10k-images-idx3-ubyte.gz");
        if (!File.Exists(path) && OperatingSystem.IsLinux()) EnsureFashionMnist();
        Assert.True(File.Exists(path), $"'{path}' is missing: install the Debian package {FashionMnist.DebianPackage} (build/ensure-fashion-mnist.sh).");
        var images = IdxFile.Read(path);
        var pixels = images.Data.AsSpan(0, count * images.Shape[1] * images.Shape[2]).ToArray();
        return tensor(pixels, new long[] { count, 1, images.Shape[1], images.Shape[2] }, ScalarType.Byte);
    }

    /// <summary>Installs the images the way the main job does on a fresh Debian machine (build/ensure-fashion-mnist.sh).</summary>
    private static void EnsureFashionMnist([System.Runtime.CompilerServices.CallerFilePath] string file = "")
    {
        var script = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "../../build/ensure-fashion-mnist.sh"));
        using var process = System.Diagnostics.Process.Start("bash", script);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "ensure-fashion-mnist.sh did not finish");
    }

    private static float[] RunOrt(InferenceSession session, Tensor image)
    {
        var input = new DenseTensor(image.contiguous().data<float>().ToArray(), image.shape.Select(d => (int)d).ToArray());
        var name = session.InputMetadata.Keys.Single();
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, input) });
        return results.Single().AsTensor<float>().ToArray();
    }

    [Fact]
    public void Loads_the_packaged_model_as_a_2223_resnet_in_eval_mode()
    {
        var r18 = fixture.Model;
        Assert.False(r18.Model.training);
        Assert.Equal(new[] { 2, 2, 2, 3 }, r18.Model.Config.Layers);
        Assert.Null(r18.Model.Fc);
        Assert.Equal(15_897_152, r18.Model.parameters().Sum(p => p.numel()));
        Assert.All(r18.Model.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(new long[] { 1, 3, 224, 224 }, r18.MeanImage.shape);
        Assert.True(File.Exists(r18.ModelPath));
        // The loaded weights are the file's (spot checks through the graph-derived map).
        using var onnx = OnnxModel.Load(r18.ModelPath);
        var map = ResNetOnnx.NameMap(onnx, ImageNetResNet18.Config);
        Assert.Equal(110, map.Count);
        var state = r18.Model.state_dict();
        foreach (var name in new[] { "conv1.weight", "bn1.running_var", "layer1.0.bn2.running_var", "layer4.0.downsample.1.weight", "layer4.2.conv2.weight" })
        {
            var onnxName = map.Single(kv => kv.Value == name).Key;
            Assert.True(state[name].equal(onnx.Initializers[onnxName]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void Preprocess_matches_ResNetPreprocess_onnx_in_onnx_runtime()
    {
        using var scope = NewDisposeScope();
        using var session = new InferenceSession(Path.Combine(PretrainedFixture.PackageFolder, ImageNetResNet18.PreprocessFile), Options());
        var rgb01 = rand(1, 3, 224, 224, generator: new Generator(11));
        var expected = RunOrt(session, rgb01 * 255f);
        var actual = fixture.Model.Preprocess(rgb01);
        Assert.Equal(new long[] { 1, 3, 224, 224 }, actual.shape);
        var diff = (actual.flatten() - tensor(expected)).abs().max().item<float>();
        output.WriteLine($"preprocess max |diff| vs ONNX Runtime: {diff:G3}");
        Assert.True(diff <= 1e-4f, $"max diff {diff}");

        // uint8 images give the same as their [0, 1] floats; grey is replicated to three channels.
        var bytes = randint(0, 256, new long[] { 2, 1, 28, 28 }, dtype: ScalarType.Byte, generator: new Generator(12));
        var fromBytes = fixture.Model.Preprocess(bytes);
        var fromFloats = fixture.Model.Preprocess(bytes.to(ScalarType.Float32) / 255f);
        Assert.Equal(new long[] { 2, 3, 224, 224 }, fromBytes.shape);
        Assert.True(fromBytes.allclose(fromFloats, rtol: 0, atol: 1e-3));
        Assert.Equal(new long[] { 2, 3, 96, 96 }, fixture.Model.Preprocess(bytes, size: 96).shape);
    }

    [Fact]
    public void Features_match_onnx_runtime_on_fashion_mnist_images()
    {
        using var scope = NewDisposeScope();
        var r18 = fixture.Model;
        var images = FashionMnistImages(ImageCount);
        var input = r18.Preprocess(images);
        Tensor ours;
        using (no_grad()) ours = r18.Model.call(input);
        Assert.Equal(new long[] { ImageCount, 512 }, ours.shape);

        using var session = new InferenceSession(r18.ModelPath, Options());
        var theirs = new List<float[]>();
        for (var i = 0; i < ImageCount; i++) theirs.Add(RunOrt(session, input[i].unsqueeze(0))); // the graph's batch is fixed at 1
        var reference = tensor(theirs.SelectMany(f => f).ToArray(), new long[] { ImageCount, 512 });

        var maxDiff = (ours - reference).abs().max().item<float>();
        var scale = reference.abs().max().item<float>();
        var meanAbs = reference.abs().mean().item<float>();
        output.WriteLine($"features max |diff| vs ONNX Runtime: {maxDiff:G3} (feature max {scale:G4}, mean |f| {meanAbs:G4}, relative {maxDiff / scale:G3})");
        Assert.True(maxDiff <= 1e-4f, $"max diff {maxDiff}, feature max {scale}"); // measured 1.2e-5 (features up to 24)
        // Different images give different features (not a constant network).
        Assert.True((reference[0] - reference[1]).abs().max().item<float>() > 1e-2f);
    }

    [Fact]
    public void Onnx_graph_batch_is_fixed_at_one()
    {
        using var session = new InferenceSession(fixture.Model.ModelPath, Options());
        var meta = session.InputMetadata.Single();
        Assert.Equal("Input247", meta.Key);
        Assert.Equal(new[] { 1, 3, 224, 224 }, meta.Value.Dimensions);
        Assert.Equal("Pooling395_Output_0", session.OutputMetadata.Keys.Single());
    }
    [Fact]
    public void A_new_head_is_the_only_trainable_part_and_reads_the_same_features()
    {
        using var headed = ImageNetResNet18.Load(classes: 7);
        var fc = headed.Model.Fc!;

        Assert.Equal(7, fc.out_features);
        Assert.Equal(512, fc.in_features);
        Assert.All(headed.Model.named_parameters(), p => Assert.Equal(p.name.StartsWith("fc.", StringComparison.Ordinal), p.parameter.requires_grad));
        using var _ = no_grad();
        var images = headed.Preprocess(FashionMnistImages(2), 64);
        // The logits are fc of the pooled features of the headless network (the pretrained weights are the same).
        var features = fixture.Model.Model.call(images);
        var expected = features.matmul(fc.weight!.t()) + fc.bias!;
        Assert.True((headed.Model.call(images) - expected).abs().max().ToDouble() < 1e-4);
        Assert.Throws<ArgumentOutOfRangeException>(() => ResNetOnnx.Load(headed.ModelPath, ImageNetResNet18.Config, newHeadClasses: -1));
    }
}
