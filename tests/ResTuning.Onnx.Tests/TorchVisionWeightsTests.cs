using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Onnx.Tests;

/// <summary>
/// Weights converted from TorchVision load into the runtime's <see cref="ResNet"/>: TorchVision's own resnet18/34/50
/// (TorchSharp's port, the same names as PyTorch's) with random weights and batch-norm statistics, written to a
/// safetensors file as a conversion would, read back and loaded by name; both networks then compute the same function.
/// </summary>
public sealed class TorchVisionWeightsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"restuning-torchvision-{Guid.NewGuid():N}");

    public TorchVisionWeightsTests() => Directory.CreateDirectory(folder);

    public static TheoryData<string> Models() => new() { "resnet18", "resnet34", "resnet50" };

    [Theory]
    [MemberData(nameof(Models))]
    public void TorchVision_weights_load_by_name_and_give_the_same_logits_in_eval_mode(string name)
    {
        const int classes = 7;
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        using var reference = name switch
        {
            "resnet18" => torchvision.models.resnet18(num_classes: classes),
            "resnet34" => torchvision.models.resnet34(num_classes: classes),
            _ => torchvision.models.resnet50(num_classes: classes),
        };
        RandomiseBatchNorm(reference);
        reference.eval();
        var path = Path.Combine(folder, name + ".safetensors");
        SafeTensorsFile.Write(path, reference.state_dict());

        var config = name switch
        {
            "resnet18" => ResNetConfig.ResNet18(classes),
            "resnet34" => ResNetConfig.ResNet34(classes),
            _ => ResNetConfig.ResNet50(classes),
        };
        using var model = new ResNet(config);
        var tensors = SafeTensorsFile.Read(path);
        StateDictLoader.Load(model, tensors, path);
        model.eval();

        var x = torch.randn(2, 3, 64, 64);
        using var _ = torch.no_grad();
        var expected = reference.call(x);
        var actual = model.call(x);
        Assert.Equal(new long[] { 2, classes }, actual.shape);
        var scale = expected.abs().max().item<float>();
        var diff = (actual - expected).abs().max().item<float>();
        Assert.True(diff <= 1e-4f * Math.Max(1f, scale), $"{name}: max |diff| {diff} (logits up to {scale})");
    }

    /// <summary>Batch-norm statistics and affine parameters away from their defaults (1, 0), so that loading them matters.</summary>
    private static void RandomiseBatchNorm(nn.Module module)
    {
        using var _ = torch.no_grad();
        foreach (var (name, buffer) in module.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(torch.randn_like(buffer) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(torch.rand_like(buffer) + 0.5);
        }
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.Contains(".bn", StringComparison.Ordinal) || name.StartsWith("bn1", StringComparison.Ordinal) || name.Contains("downsample.1", StringComparison.Ordinal))
                parameter.copy_(name.EndsWith("weight", StringComparison.Ordinal) ? torch.rand_like(parameter) + 0.5 : torch.randn_like(parameter) * 0.1);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
