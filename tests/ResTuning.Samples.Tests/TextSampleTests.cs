using System.IO;
using System.Text;
using System.Text.Json;
using ResTuning.Onnx;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Tests.Support;
using ResTuning.Samples.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

public sealed class TextSampleTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("restuning-text-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    [Fact]
    public void The_frozen_split_has_ten_sections_with_32_labelled_and_150_test_packages_each()
    {
        var entries = DebianSections.ReadSplit(DebianSections.DefaultSplitPath);

        string[] sections = ["editors", "games", "graphics", "mail", "math", "net", "science", "sound", "text", "web"];
        Assert.Equal(sections, entries.Select(e => e.Label).Distinct().Order());
        foreach (var section in sections)
        {
            Assert.Equal(32, entries.Count(e => e.Label == section && e.Split == "train"));
            Assert.Equal(150, entries.Count(e => e.Label == section && e.Split == "test"));
        }
        Assert.Equal(entries.Count, entries.Select(e => e.Package).Distinct().Count());
        // The default protocol fits in the pool: its labelled texts per class and the validation part of them.
        Assert.True(TextProtocol.Default.Tuning.LabelledPerClass <= 32);
        Assert.Equal(0, TextProtocol.Default.TestPerClass);
    }

    [Fact]
    public void A_malformed_split_line_is_an_error_naming_the_line()
    {
        var path = Path.Combine(output, "bad.tsv");
        File.WriteAllText(path, "# comment\ntrain\tpkg\tgames\nvalid\tother\tgames\n");

        var error = Assert.Throws<InvalidDataException>(() => DebianSections.ReadSplit(path));
        Assert.Contains("bad.tsv:3", error.Message);
    }

    [Fact]
    public void Descriptions_come_from_a_dumpavail_index_missing_packages_are_counted_and_repeated_descriptions_dropped()
    {
        const string index = "Package: a\nVersion: 1\nDescription: chess game for two\nSection: games\n\n" +
                             "Package: b\nDescription: Chess game for two\n\n" +
                             "Package: c\nDescription: raster image editor\nDescription-md5: 00\n\n" +
                             "Package: d\nDescription: mail client\n";
        var descriptions = DebianSections.ParseIndex(new StringReader(index));
        Assert.Equal("chess game for two", descriptions["a"]);
        Assert.Equal("raster image editor", descriptions["c"]);

        SplitEntry[] entries = [new("train", "a", "games"), new("train", "b", "games"), new("test", "c", "graphics"), new("test", "gone", "graphics"), new("train", "d", "mail")];
        var split = DebianSections.Join(entries, descriptions);

        Assert.Equal(["games", "graphics", "mail"], split.ClassNames);
        Assert.Equal(["a", "d"], split.Train.Select(t => t.Package));
        Assert.Equal(2, split.Train[1].Label);
        Assert.Equal(["c"], split.Test.Select(t => t.Package));
        Assert.Equal(["gone"], split.Missing);
        Assert.Equal(1, split.Duplicates);
    }

    [Fact]
    public void An_index_without_packages_is_a_clear_error()
    {
        var path = Path.Combine(output, "empty.txt");
        File.WriteAllText(path, "");

        var error = Assert.Throws<InvalidOperationException>(() => DebianSections.ReadDescriptions(path));
        Assert.Contains("apt-cache dumpavail", error.Message);
    }

    [Fact]
    public void Splits_are_token_ids_padded_with_zeros_the_validation_part_the_last_of_each_class_and_tests_by_length()
    {
        var vocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nchess\ngame\nmail\nclient\nfast\nimage\neditor\n";
        var tokenizer = BertTextTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(vocabulary)));
        LabelledText T(string package, string text, int label) => new(package, text, label);
        var split = new TextSplit(["games", "mail"],
            [T("a", "chess game", 0), T("b", "chess", 0), T("c", "game", 0), T("d", "mail client", 1), T("e", "mail", 1), T("f", "fast mail client", 1)],
            [T("g", "fast chess game game", 0), T("h", "chess", 0), T("i", "mail", 1)], [], 0);
        var protocol = new TransferProtocol { SourceClasses = [], TargetClasses = [0, 1], LabelledPerClass = 3, ValidationPerClass = 1 };

        var data = TextData.Build(split, tokenizer, protocol, tokenCap: 5, testPerClass: 0);

        // [CLS] = 2, [SEP] = 3, the words from 5; padded with [PAD] = 0 to the longest text (cut at 5 tokens).
        Assert.Equal(new long[] { 4, 5 }, data.SweepTrain.Images.shape);
        Assert.Equal(new long[] { 2, 5, 6, 3, 0 }, data.SweepTrain.Images[0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 0, 1, 1 }, data.SweepTrain.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 6, 3, 0, 0 }, data.Validation.Images[0].data<long>().ToArray());       // "game", the last labelled text of class 0
        Assert.Equal(new long[] { 2, 9, 7, 8, 3 }, data.Validation.Images[1].data<long>().ToArray());       // "fast mail client"
        Assert.Equal(new long[] { 2, 5, 3, 0, 0 }, data.Test.Images[0].data<long>().ToArray());             // shortest first
        Assert.Equal(new long[] { 2, 9, 5, 6, 3 }, data.Test.Images[2].data<long>().ToArray());             // cut at 5 tokens, [SEP] kept
        Assert.Equal(new long[] { 0, 1, 0 }, data.Test.Labels.data<long>().ToArray());
        Assert.True(data.Labelled.Images.equal(cat(new[] { data.SweepTrain.Images, data.Validation.Images }, 0)).all().item<bool>());
    }

    [Fact]
    public void Trimming_a_batch_to_its_longest_text_keeps_every_token()
    {
        var ids = tensor(new long[] { 2, 4, 3, 0, 0, 0, 2, 4, 5, 6, 3, 0 }, new long[] { 2, 6 });

        var trimmed = TextRun.Trim(ids);

        Assert.Equal(new long[] { 2, 5 }, trimmed.shape);
        Assert.True(trimmed.equal(ids.narrow(1, 0, 5)).all().item<bool>());
    }

    [Fact]
    public void The_masked_mean_head_pools_the_real_tokens_only_as_written_out_in_float64()
    {
        manual_seed(5);
        using var head = new MaskedMeanHead(features: 6, classes: 3);
        var tokens = randn(2, 4, 6);
        var mask = tensor(new float[] { 1, 1, 0, 0, 1, 1, 1, 1 }, new long[] { 2, 4 });

        var logits = head.Forward(tokens, mask);

        var w = head.Fc.weight!.to(ScalarType.Float64).data<double>().ToArray();
        var b = head.Fc.bias!.to(ScalarType.Float64).data<double>().ToArray();
        var x = tokens.to(ScalarType.Float64).data<double>().ToArray();
        int[] real = [2, 4];
        for (var row = 0; row < 2; row++)
            for (var c = 0; c < 3; c++)
            {
                var expected = b[c];
                for (var d = 0; d < 6; d++)
                {
                    var mean = 0.0;
                    for (var t = 0; t < real[row]; t++) mean += x[(row * 4 + t) * 6 + d];
                    expected += w[c * 6 + d] * mean / real[row];
                }
                Assert.Equal(expected, logits[row, c].ToDouble(), 5);
            }
        // Padding never leaks: changing the padded positions changes nothing.
        var changed = tokens.clone();
        changed[0, 2] = full(6, 100f);
        Assert.True(head.Forward(changed, mask).allclose(logits));
        Assert.Throws<ArgumentException>(() => head.Forward(tokens, mask.narrow(1, 0, 3)));
    }

    [Fact]
    public void Quick_runs_the_whole_text_job_end_to_end_on_apt_descriptions()
    {
        var (exit, text) = SampleProgram.Run("text", "--quick", "--output", output);

        Assert.True(exit == 0, text);
        Assert.Contains("packages apt no longer has", text);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var root = report.RootElement;
        Assert.Equal(TextCommand.DatasetName, root.GetProperty("dataset").GetString());
        Assert.Equal("all-MiniLM-L6-v2", root.GetProperty("backbone").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("source_accuracy").ValueKind);
        Assert.Contains("at most 16 tokens", root.GetProperty("protocol").GetString());
        var methods = root.GetProperty("methods");
        Assert.Equal(TuningMethods.All.Select(m => m.Name()), methods.EnumerateObject().Select(p => p.Name));
        foreach (var method in methods.EnumerateObject())
        {
            var m = method.Value;
            Assert.InRange(m.GetProperty("accuracy_mean").GetDouble(), 0, 1);
            Assert.Equal(TextProtocol.Quick.Tuning.Seeds, m.GetProperty("accuracies").GetArrayLength());
            // The learning rate is one the sweep tried (3 to 5 values a method).
            var tried = m.GetProperty("sweep").EnumerateArray().Select(p => p.GetProperty("lr").GetDouble()).ToArray();
            Assert.InRange(tried.Length, 3, 5);
            Assert.Contains(m.GetProperty("lr").GetDouble(), tried);
            Assert.True(m.GetProperty("ms_per_step").GetDouble() > 0);
            Assert.True(m.GetProperty("training_bytes").GetInt64() >= 0);
        }
        // all-MiniLM-L6-v2 with its pooler and a 384 → 10 classifier: 22,713,216 + 3,850 parameters; the probe trains the classifier only.
        Assert.Equal(22_713_216 + 3_850, methods.GetProperty("full").GetProperty("total").GetInt64());
        Assert.Equal(methods.GetProperty("full").GetProperty("total").GetInt64(), methods.GetProperty("full").GetProperty("trainable").GetInt64());
        Assert.Equal(3_850, methods.GetProperty("linear").GetProperty("trainable").GetInt64());
        // LoRA r = 8 on query and value of 6 layers: 6 × 2 × 8 × (384 + 384), plus the classifier.
        Assert.Equal(6 * 2 * 8 * 768 + 3_850, methods.GetProperty("lora").GetProperty("trainable").GetInt64());
        Assert.Equal("float32", methods.GetProperty("bypass").GetProperty("tap_cache").GetString());
        Assert.Equal("float32", methods.GetProperty("linear").GetProperty("tap_cache").GetString());
        Assert.Equal("off", methods.GetProperty("restuning").GetProperty("tap_cache").GetString());
        Assert.True(File.Exists(Path.Combine(output, "tuners-restuning.safetensors")));
        // TextCommand plots both curves.
        foreach (var plot in new[] { "loss.png", "accuracy.png" })
        {
            var file = new FileInfo(Path.Combine(output, plot));
            Assert.True(file.Exists, $"{plot} was not written");
            Assert.True(file.Length > 0, $"{plot} is empty");
        }
    }
}
