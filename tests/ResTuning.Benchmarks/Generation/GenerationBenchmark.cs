using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ResTuning.Samples;
using ResTuning.Samples.Generation;
using ResTuning.Samples.Reporting;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Benchmarks.Generation;

/// <summary>
/// <c>generation</c>: adapts the generative sample's pretrained DDPM U-Net (samples/ResTuning.Samples, <c>generate</c>)
/// to the target style with each <see cref="AdaptationMethod"/> in its own child process (so each training-memory figure
/// is that method's alone) and prints their JSON lines and a table; with <c>--method</c>, runs one method.
/// </summary>
internal static class GenerationBenchmark
{
    public static int Run(GenerationBenchOptions o)
    {
        // Progress bars and messages go to standard error: standard output holds the JSON lines and the table.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return o.Method is { } method ? RunOne(method, o) : RunAll(o);
    }

    private static int RunAll(GenerationBenchOptions o)
    {
        var s = o.Settings;
        Directory.CreateDirectory(s.Output);
        var device = SampleDevice.Resolve(s.Device);
        var diffusion = new Diffusion(s.Steps, device);
        var unetPath = UNetPretraining.EnsureUNet(s, diffusion, device);
        var unet = UNetPretraining.Load(unetPath, device);
        unet.eval();
        var heldOut = ImageStyle.Target.Images(256, s.ImageSize, s.Seed + 11);
        var beforeLoss = DenoiserTrainer.Evaluate((x, t) => unet.call(x, t), diffusion, heldOut, s.Batch, device, s.Seed + 12);
        if (o.Json) Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["method"] = "pretrained", ["eval_loss"] = beforeLoss }));

        var results = new List<JsonElement>();
        var failed = 0;
        foreach (var method in AdaptationMethods.All)
        {
            var (exit, line) = SelfProcess.Run(o.ChildArguments(method, unetPath));
            if (exit != 0 || line is null)
            {
                Console.Error.WriteLine($"{method.Name()}: child exited with {exit}");
                failed++;
                continue;
            }
            if (o.Json) Console.WriteLine(line);
            results.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        var table = GenerationTable.Format(results, beforeLoss, o);
        if (o.Json) Console.Error.Write(table);
        else Console.Write(table);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Adapts the U-Net with <paramref name="method"/> (the sample's training loop) and prints its figures as one JSON line.</summary>
    private static int RunOne(AdaptationMethod method, GenerationBenchOptions o)
    {
        var s = o.Settings;
        Directory.CreateDirectory(s.Output);
        var device = SampleDevice.Resolve(s.Device);
        var diffusion = new Diffusion(s.Steps, device);
        var unetPath = UNetPretraining.EnsureUNet(s, diffusion, device);   // the parent's (--pretrained), or pretrained here when run alone
        manual_seed(s.Seed);
        var train = ImageStyle.Target.Images(s.TrainExamples, s.ImageSize, s.Seed + 10);
        var heldOut = ImageStyle.Target.Images(256, s.ImageSize, s.Seed + 11);
        var unet = UNetPretraining.Load(unetPath, device);

        nn.Module<Tensor, Tensor, Tensor> model = method == AdaptationMethod.Bypass ? new UNetBypass(unet) : unet;
        model.to(device);
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        // A generated model counts its backbone once, registered or not (the bypass's frozen U-Net is not).
        var counts = model is ITunedModel tuned ? tuned.CountParameters() : ParameterCounts.Of(model);
        PeakMemory.ResetPeak();
        var baseline = PeakMemory.CurrentBytes();
        var (losses, medianMs) = DenoiserTrainer.Train(method.Name(), (x, t) => model.call(x, t), trainable, diffusion, train,
            s.Epochs, s.Batch, method.LearningRate(), device, s.Seed);
        var trainingBytes = Math.Max(0, PeakMemory.Bytes() - baseline);

        model.eval();
        var evalLoss = DenoiserTrainer.Evaluate((x, t) => model.call(x, t), diffusion, heldOut, s.Batch, device, s.Seed + 12);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["method"] = method.Name(),
            ["eval_loss"] = evalLoss,
            ["final_train_loss"] = losses.TakeLast(20).Average(),
            ["trainable"] = counts.Trainable,
            ["total_params"] = counts.Total,
            ["ms_per_step"] = Math.Round(medianMs, 2),
            ["training_bytes"] = trainingBytes,
            ["memory_kind"] = "peak_rss minus rss before training",
            ["image"] = s.ImageSize,
            ["batch"] = s.Batch,
            ["epochs"] = s.Epochs,
            ["train_examples"] = s.TrainExamples,
            ["diffusion_steps"] = s.Steps,
            ["device"] = s.Device,
            ["threads"] = get_num_threads(),
        }));
        return 0;
    }
}
