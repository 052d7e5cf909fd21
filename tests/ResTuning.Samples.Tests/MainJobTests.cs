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
    public void Quick_runs_the_whole_main_job_end_to_end()
    {
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--fashion-mnist", data.Folder, "--output", output);

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
        Assert.Contains("Reusing", SampleProgram.Run("classify", "--quick", "--fashion-mnist", data.Folder, "--output", output, "-m", "linear").Text);
    }

    [Fact]
    public void A_folder_without_the_files_is_a_clear_error()
    {
        var (exit, text) = SampleProgram.Run("classify", "--quick", "--fashion-mnist", output, "--output", output);

        Assert.Equal(2, exit);
        Assert.Contains("must hold train-images-idx3-ubyte.gz", text);
    }
}
