using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Checkpoints;
using ResTuning.Samples.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>Adapts the pretrained U-Net to the target style with one method (runs in its own process).</summary>
public static class AdaptationRun
{
    /// <summary>Trains, evaluates and samples with <paramref name="method"/>; writes its <see cref="AdaptationResult"/> to <paramref name="resultPath"/>.</summary>
    public static AdaptationResult Run(AdaptationMethod method, string unetPath, GenerationSettings settings, Device device, string resultPath)
    {
        manual_seed(settings.Seed);
        var diffusion = new Diffusion(settings.Steps, device);
        var train = ImageStyle.Target.Images(settings.TrainExamples, settings.ImageSize, settings.Seed + 10);
        var heldOut = ImageStyle.Target.Images(256, settings.ImageSize, settings.Seed + 11);
        var unet = UNetPretraining.Load(unetPath, device);

        nn.Module<Tensor, Tensor, Tensor> model = method == AdaptationMethod.Bypass ? new UNetBypass(unet) : unet;
        model.to(device);
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        // A generated model counts its backbone once, registered or not (the bypass's frozen U-Net is not).
        var counts = model is ITunedModel tuned ? tuned.CountParameters() : ParameterCounts.Of(model);
        PeakMemory.ResetPeak();
        var baseline = PeakMemory.CurrentBytes();
        var learningRate = method == AdaptationMethod.Full ? 5e-4 : 2e-3;
        var (losses, medianMs) = DenoiserTrainer.Train(method.Name(), (x, t) => model.call(x, t), trainable, diffusion, train,
            settings.Epochs, settings.Batch, learningRate, device, settings.Seed);
        var trainingBytes = System.Math.Max(0, PeakMemory.Bytes() - baseline);

        model.eval();
        var evalLoss = DenoiserTrainer.Evaluate((x, t) => model.call(x, t), diffusion, heldOut, settings.Batch, device, settings.Seed + 12);
        var samples = ImageStyles.ToDisplay(diffusion.Sample((x, t) => model.call(x, t), settings.Samples, settings.ImageSize, settings.Seed + 13, device, $"sampling ({method.Name()})"));
        var samplesPath = Path.Combine(settings.Output, $"samples-{method.Name()}.safetensors");
        SafeTensorsFile.Write(samplesPath, new[] { new System.Collections.Generic.KeyValuePair<string, Tensor>("samples", samples.cpu().contiguous()) });

        var result = new AdaptationResult
        {
            Method = method.Name(),
            EvalLoss = evalLoss,
            Trainable = counts.Trainable,
            Total = counts.Total,
            MsPerStep = medianMs,
            TrainingBytes = trainingBytes,
            Losses = losses,
            SamplesPath = samplesPath,
        };
        File.WriteAllText(resultPath, JsonSerializer.Serialize(result));
        return result;
    }
}
