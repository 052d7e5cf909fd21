using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.Samples.Classification;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests.Support;

/// <summary>What an in-process tuning test needs: a small Fashion-MNIST stand-in, its quick splits, an output folder and a backbone.</summary>
public sealed class TuningWorkspace : IDisposable
{
    public TuningWorkspace(TransferProtocol protocol)
    {
        Protocol = protocol;
        Splits = TransferData.FromFashionMnist(Data.Folder, protocol);
    }

    public FakeFashionMnist Data { get; } = new(trainPerClass: 12, testPerClass: 6);

    public TransferProtocol Protocol { get; }

    public TransferData Splits { get; }

    public string Output { get; } = Directory.CreateTempSubdirectory("restuning-tuning-").FullName;

    /// <summary>Writes a randomly initialised sample ViT (as the pretraining would) and returns its path.</summary>
    public string RandomBackbone(int seed)
    {
        manual_seed(seed);
        var path = Path.Combine(Output, $"backbone-{seed}.safetensors");
        using var vit = new VisionTransformer(SampleVit.ForFashionMnist(Splits.Labelled.Classes));
        SafeTensorsFile.Write(path, vit.state_dict(), VitCheckpoint.Metadata(vit.Config));
        return path;
    }

    /// <summary>A result path in the output folder.</summary>
    public string ResultPath(string name) => Path.Combine(Output, name + ".json");

    public void Dispose()
    {
        Data.Dispose();
        Directory.Delete(Output, recursive: true);
    }
}
