using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Samples.Classification;
using ResTuning.Samples.CommandLine;
using ResTuning.Samples.Data;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.MultiTask;

/// <summary>
/// Multi-task inference on one frozen backbone: a Res-Tuning-Bypass per <see cref="SceneTask"/> over one
/// <see cref="VitTapSource"/>, each trained briefly on its own labels of the same images; then the tasks are timed as
/// N separate forwards (backbone + bypass each) against one backbone pass feeding N bypasses.
/// </summary>
public static class MultiTaskCommand
{
    /// <summary>The <c>multitask</c> command.</summary>
    public static Command Create()
    {
        var options = new VitOptions("out/multitask", defaultEpochs: 2, defaultTrainExamples: 1024);
        var repeats = CliOptions.Positive("--repeats", "Timed inference rounds per way (the median is reported)", 10, max: 10000);
        var command = new Command("multitask",
            "Train one Res-Tuning-Bypass per task (shape, fill, size, quadrant) on one frozen pretrained ViT, then time N separate forwards against one backbone pass + N bypasses.")
        {
            repeats,
        };
        options.AddTo(command);
        command.SetAction(parse => CliOptions.Guard(() => Run(options.Read(parse), parse.GetValue(repeats))));
        return command;
    }

    /// <summary>Trains the task bypasses, reports their accuracy and times inference both ways; returns the exit code.</summary>
    public static int Run(SampleSettings settings, int repeats)
    {
        Directory.CreateDirectory(settings.Output);
        var device = SampleDevice.Resolve(settings.Device);
        var backbonePath = Pretraining.EnsureBackbone(settings, device);
        manual_seed(settings.Seed);
        // The ViT's own head is never used: every task has a bypass head.
        var vit = Pretraining.LoadBackbone(backbonePath, settings.ImageSize, classes: 1);
        vit.to(device);
        var source = new VitTapSource(vit);
        var train = SyntheticShapes.Scenes(settings.TrainExamples, settings.ImageSize, settings.Seed + 20);
        var test = SyntheticShapes.Scenes(settings.TestExamples, settings.ImageSize, settings.Seed + 21);

        var bypasses = new List<ResTuningBypass>();
        foreach (var task in SceneTasks.All)
        {
            var classes = task.ClassNames().Length;
            // Residual laterals (x_l + R(x_l)): each head starts as a probe on the backbone's last block and the
            // adapters learn the task-specific correction, which suits the brief training here.
            var stages = BypassStages.Adapters(vit.Blocks.Count, vit.Config.EmbedDim, hiddenDim: 16, residualLateral: true);
            var bypass = new ResTuningBypass(source, stages,
                new ClassTokenHead(vit.Config.EmbedDim, classes), name: $"task_{task}");
            bypass.to(device);
            AnsiConsole.MarkupLine($"[bold]Task[/] [aqua]{task}[/] ({string.Join(", ", task.ClassNames())}): training its bypass on the shared frozen backbone");
            Trainer.Train(task.ToString(), x => bypass.call(x), t => bypass.train(t), bypass.parameters().ToList(),
                task.Label(train), task.Label(test), settings.Epochs, settings.Batch, 2e-3, device, settings.Seed);
            bypasses.Add(bypass);
        }

        var shared = new MultiTaskBypass(bypasses);
        shared.eval();
        var accuracies = SharedAccuracies(shared, test, settings.Batch, device);
        var batch = test.Images.narrow(0, 0, System.Math.Min(settings.Batch, test.Images.shape[0])).to(device);
        var agreement = MaxDifference(shared, batch);
        var timing = InferenceTiming.Measure(shared, batch, repeats, device);
        Print(bypasses, accuracies, vit, timing, batch.shape[0], agreement);
        return 0;
    }

    /// <summary>Test accuracy of every task, all computed from one backbone pass per batch.</summary>
    private static double[] SharedAccuracies(MultiTaskBypass shared, ShapeScenes test, int batch, Device device)
    {
        var labels = SceneTasks.All.Select(t => t.Label(test).Labels).ToArray();
        var correct = new long[labels.Length];
        using var _ = inference_mode();
        var count = test.Images.shape[0];
        for (long start = 0; start < count; start += batch)
        {
            using var scope = NewDisposeScope();
            var length = System.Math.Min(batch, count - start);
            var outputs = shared.call(test.Images.narrow(0, start, length).to(device));
            for (var t = 0; t < outputs.Length; t++)
                correct[t] += outputs[t].argmax(1).cpu().eq(labels[t].narrow(0, start, length)).sum().ToInt64();
        }
        return correct.Select(c => c / (double)count).ToArray();
    }

    /// <summary>Largest difference between a task's output computed alone and from the shared pass (should be ~0).</summary>
    private static double MaxDifference(MultiTaskBypass shared, Tensor batch)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        var together = shared.call(batch);
        return shared.Tasks.Select((task, i) => (task.call(batch) - together[i]).abs().max().ToDouble()).Max();
    }

    private static void Print(IReadOnlyList<ResTuningBypass> bypasses, double[] accuracies, VisionTransformer vit, InferenceTiming timing, long batch, double agreement)
    {
        var inv = CultureInfo.InvariantCulture;
        var tasks = new Table().Border(TableBorder.Rounded).Title("[bold]Tasks on one frozen backbone[/]");
        tasks.AddColumn("task");
        tasks.AddColumn(new TableColumn("classes").RightAligned());
        tasks.AddColumn(new TableColumn("test accuracy").RightAligned());
        tasks.AddColumn(new TableColumn("bypass parameters").RightAligned());
        for (var t = 0; t < bypasses.Count; t++)
        {
            var task = SceneTasks.All[t];
            tasks.AddRow(task.ToString(), task.ClassNames().Length.ToString(inv), (100 * accuracies[t]).ToString("F1", inv) + " %",
                ParameterCounts.Of(bypasses[t]).Trainable.ToString("N0", inv));
        }
        AnsiConsole.Write(tasks);
        AnsiConsole.MarkupLine($"[grey]Frozen backbone: {ParameterCounts.Of(vit).Total.ToString("N0", inv)} parameters, stored once for all tasks.[/]");

        var n = bypasses.Count;
        var times = new Table().Border(TableBorder.Rounded).Title($"[bold]Inference of {n} tasks on a batch of {batch}[/]");
        times.AddColumn("way");
        times.AddColumn(new TableColumn("median ms").RightAligned());
        times.AddColumn(new TableColumn("vs separate").RightAligned());
        times.AddColumn(new TableColumn("fastest ms").RightAligned());
        times.AddColumn(new TableColumn("vs separate").RightAligned());
        times.AddRow($"{n} separate forwards (backbone + bypass each)", timing.SeparateMs.ToString("F1", inv), "1.00x", timing.SeparateMinMs.ToString("F1", inv), "1.00x");
        times.AddRow($"one backbone pass + {n} bypasses", timing.SharedMs.ToString("F1", inv), timing.Ratio.ToString("F2", inv) + "x",
            timing.SharedMinMs.ToString("F1", inv), timing.MinRatio.ToString("F2", inv) + "x");
        AnsiConsole.Write(times);
        AnsiConsole.MarkupLine($"Time saved by sharing the backbone: [bold]{(100 * (1 - timing.Ratio)).ToString("F1", inv)} %[/] (medians; " +
            $"{(100 * (1 - timing.MinRatio)).ToString("F1", inv)} % on the fastest rounds) " +
            $"(outputs agree with the separate runs to {agreement.ToString("G2", inv)}).");
    }
}
