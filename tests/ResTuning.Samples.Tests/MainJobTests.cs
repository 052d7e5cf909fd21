using System.IO;
using System.Text.Json;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Tests.Support;

namespace ResTuning.Samples.Tests;

public sealed class MainJobTests : IDisposable
{
    private readonly FakeFashionMnist data = new(trainPerClass: 70, testPerClass: 20);
    private readonly string output = Directory.CreateTempSubdirectory("restuning-classify-").FullName;

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Quick_runs_the_whole_main_job_end_to_end_on_the_ImageNet_ResNet()
    {
        // The default backbone: ML.NET's ImageNet ResNet-18, restored from NuGet by the build.
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--fashion-mnist", data.Folder, "--output", output);

        Assert.True(exit == 0, text);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var root = report.RootElement;
        Assert.Equal("fashion-mnist", root.GetProperty("dataset").GetString());
        Assert.Equal("resnet18-imagenet", root.GetProperty("backbone").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("source_accuracy").ValueKind);   // the source task is ImageNet
        Assert.Contains($"at {TransferProtocol.ImageNetQuick.ImageSize} px", root.GetProperty("protocol").GetString());
        var methods = root.GetProperty("methods");
        Assert.Equal(TuningMethods.All.Select(m => m.Name()), methods.EnumerateObject().Select(p => p.Name));
        using var grids = new ResTuning.Samples.Classification.ImageNet.ImageNetBackbone(classes: 10, imageSize: 32);
        foreach (var method in methods.EnumerateObject())
        {
            var m = method.Value;
            Assert.InRange(m.GetProperty("accuracy_mean").GetDouble(), 0, 1);
            Assert.Equal(TransferProtocol.ImageNetQuick.Seeds, m.GetProperty("accuracies").GetArrayLength());
            Assert.Contains(m.GetProperty("lr").GetDouble(), grids.LearningRates(TuningMethods.All.Single(t => t.Name() == method.Name)));
            Assert.True(m.GetProperty("ms_per_step").GetDouble() > 0);
            Assert.True(m.GetProperty("training_bytes").GetInt64() >= 0);
        }
        // ResNet-18 [2, 2, 2, 3]: 15.9 M parameters and a 512 → 10 head; full fine-tuning trains them all, the probe only the head.
        var headParameters = (512 * 10) + 10;
        Assert.Equal(headParameters, methods.GetProperty("linear").GetProperty("trainable").GetInt64());
        Assert.Equal(methods.GetProperty("full").GetProperty("total").GetInt64(), methods.GetProperty("full").GetProperty("trainable").GetInt64());
        // LoRA r = 8 on both 3x3 convolutions of the 9 blocks, r * (c_in * 9 + c_out) each, and on the 1x1 shortcut of the
        // three blocks that widen, r * (c_in + c_out) each, plus the head.
        long[] widths = [64, 64, 64, 128, 128, 256, 256, 512, 512, 512];
        // Every weight of the network, counted by hand: the 7x7 stem and its norm, each block's two 3x3 convs and norms
        // (and a 1x1 shortcut with its norm where the width changes), the head.
        long network = (3 * 64 * 49) + (2 * 64) + headParameters;
        for (var block = 0; block < 9; block++)
        {
            var (cin, cout) = (widths[block], widths[block + 1]);
            network += (cin * cout * 9) + (2 * cout) + (cout * cout * 9) + (2 * cout) + (cin != cout ? (cin * cout) + (2 * cout) : 0);
        }
        Assert.Equal(network, methods.GetProperty("full").GetProperty("total").GetInt64());
        long lora = 0;
        for (var block = 0; block < 9; block++)
        {
            var (cin, cout) = (widths[block], widths[block + 1]);
            lora += (8 * ((cin * 9) + cout)) + (8 * ((cout * 9) + cout)) + (cin != cout ? 8 * (cin + cout) : 0);
        }
        Assert.Equal(lora + headParameters, methods.GetProperty("lora").GetProperty("trainable").GetInt64());
        // The probe and the bypass trained on taps cached once; the others run the backbone every step.
        Assert.Equal("float32", methods.GetProperty("bypass").GetProperty("tap_cache").GetString());
        Assert.Equal("float32", methods.GetProperty("linear").GetProperty("tap_cache").GetString());
        Assert.Equal("off", methods.GetProperty("full").GetProperty("tap_cache").GetString());
        // The caches lived on disk in the output folder while their method ran, and are removed after it.
        Assert.True(methods.GetProperty("bypass").GetProperty("tap_cache_bytes").GetInt64() > 0);
        Assert.False(Directory.Exists(Path.Combine(output, "tap-cache", "bypass")));
        Assert.False(Directory.Exists(Path.Combine(output, "tap-cache", "linear")));
        Assert.True(File.Exists(Path.Combine(output, "tuners-lora.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "accuracy.png")));
    }

    [Fact]
    public void Quick_runs_the_whole_main_job_end_to_end_on_the_sample_ViT()
    {
        var (exit, text) = SampleProgram.Run("classify", "--backbone", "vit", "--quick", "--fashion-mnist", data.Folder, "--output", output);

        Assert.True(exit == 0, text);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var root = report.RootElement;
        Assert.Equal("fashion-mnist", root.GetProperty("dataset").GetString());
        Assert.Contains("disjoint classes", root.GetProperty("protocol").GetString());
        Assert.InRange(root.GetProperty("source_accuracy").GetDouble(), 0, 1);
        Assert.True(root.GetProperty("wall_seconds").GetDouble() > 0);
        var methods = root.GetProperty("methods");
        Assert.Equal(TuningMethods.All.Select(m => m.Name()), methods.EnumerateObject().Select(p => p.Name));
        foreach (var method in methods.EnumerateObject())
        {
            var m = method.Value;
            Assert.InRange(m.GetProperty("accuracy_mean").GetDouble(), 0, 1);
            Assert.True(m.GetProperty("accuracy_std").GetDouble() >= 0);
            Assert.Equal(TransferProtocol.Quick.Seeds, m.GetProperty("accuracies").GetArrayLength());
            Assert.Contains(m.GetProperty("lr").GetDouble(), TuningMethods.All.Single(t => t.Name() == method.Name).LearningRates());
            Assert.True(m.GetProperty("trainable").GetInt64() > 0);
            Assert.True(m.GetProperty("ms_per_step").GetDouble() > 0);
            Assert.True(m.GetProperty("training_bytes").GetInt64() >= 0);
        }
        // The bypass trained on taps cached once (the default); the other methods run their backbone every step.
        Assert.Equal("float32", methods.GetProperty("bypass").GetProperty("tap_cache").GetString());
        Assert.Equal("off", methods.GetProperty("full").GetProperty("tap_cache").GetString());
        // A linear probe trains far fewer parameters than full fine-tuning.
        Assert.True(methods.GetProperty("linear").GetProperty("trainable").GetInt64() * 100 < methods.GetProperty("full").GetProperty("trainable").GetInt64());
        Assert.True(File.Exists(Path.Combine(output, "loss.png")));
        Assert.True(File.Exists(Path.Combine(output, "accuracy.png")));
        Assert.Equal("sample-vit", root.GetProperty("backbone").GetString());
        Assert.Contains("Reusing", SampleProgram.Run("classify", "--backbone", "vit", "--quick", "--fashion-mnist", data.Folder, "--output", output, "-m", "linear").Text);
    }

    [Fact]
    public void A_folder_without_the_files_is_a_clear_error()
    {
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--fashion-mnist", output, "--output", output);

        Assert.Equal(2, exit);
        Assert.Contains("must hold train-images-idx3-ubyte.gz", text);
    }

    [Fact]
    public void ViT_options_on_the_ResNet_are_a_clear_error()
    {
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--pretrain-epochs", "3", "--fashion-mnist", data.Folder, "--output", output);

        Assert.NotEqual(0, exit);
        Assert.Contains("--backbone vit", text);
    }

    [Fact]
    public void Batch_norm_adaptation_reaches_every_method_process_and_is_refused_on_the_ViT()
    {
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--adapt-batch-norm", "--fashion-mnist", data.Folder, "--output", output, "-m", "linear");

        Assert.Equal(0, exit);
        // The method runs in its own process: the line comes from the child, which got the flag through its arguments.
        Assert.Contains("Batch-norm statistics of 22 layers re-estimated on", text);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Contains("batch-norm statistics re-estimated", json.RootElement.GetRawText());

        var (vitExit, vitText) = SampleProgram.Run("classify", "--backbone", "vit", "--quick", "--adapt-batch-norm", "--fashion-mnist", data.Folder, "--output", output);
        Assert.NotEqual(0, vitExit);
        Assert.Contains("--adapt-batch-norm is the ResNet's", vitText);
    }
    [Fact]
    public void Sweep_folds_reach_every_method_process_and_too_many_are_refused_with_the_limit()
    {
        // The quick protocol labels 4 images per class and validates on 1: at most 3 folds.
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--sweep-folds", "3", "--fashion-mnist", data.Folder, "--output", output, "-m", "linear");

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Contains("scored over 3 folds of 1 validation images per class", json.RootElement.GetRawText());
        var rates = json.RootElement.GetProperty("methods").GetProperty("linear").GetProperty("sweep").EnumerateArray().Select(p => p.GetProperty("lr").GetDouble()).ToList();
        Assert.True(rates.Count > 1);
        Assert.Equal(rates.Count, rates.Distinct().Count());   // one point per learning rate, not one per fold

        var (tooMany, tooManyText) = SampleProgram.Run("classify", "--quick", "--sweep-folds", "4", "--fashion-mnist", data.Folder, "--output", output, "-m", "linear");
        Assert.NotEqual(0, tooMany);
        Assert.Contains("between 1 and 3 folds", tooManyText);
    }
}
