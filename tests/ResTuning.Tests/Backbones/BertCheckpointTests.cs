using System.IO;
using ResTuning.Backbones;
using ResTuning.Checkpoints;
using ResTuning.TestSupport;
using ResTuning.Tests.Support;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>
/// Hugging Face BERT safetensors files of two sizes, written here under the names transformers gives them (<c>BertModel</c>,
/// <c>BertForMaskedLM</c> with <c>bert.</c> and <c>cls.predictions.*</c>, <c>BertForSequenceClassification</c> with legacy
/// LayerNorm <c>gamma</c>/<c>beta</c>), loaded with <see cref="BertCheckpoint"/> and compared with BERT written out in float64 on
/// the file's own tensors (<see cref="BertReference"/>); broken files are refused by name with the model unchanged.
/// </summary>
public sealed class BertCheckpointTests : IDisposable
{
    private const double Tolerance = 1e-5;

    private readonly string folder = Directory.CreateTempSubdirectory("restuning-bert-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A BERT size: vocabulary, width, layers, heads, feed-forward width (4 × width), positions.</summary>
    private sealed record Size(long Vocab, long Width, int Layers, long Heads, long Positions)
    {
        public long Intermediate => 4 * Width;
    }

    private static readonly Size TwoLayers = new(Vocab: 60, Width: 32, Layers: 2, Heads: 4, Positions: 40);
    private static readonly Size ThreeLayers = new(Vocab: 70, Width: 48, Layers: 3, Heads: 6, Positions: 48);

    /// <summary>
    /// The tensors of transformers' <c>BertModel</c> of <paramref name="size"/> under its names (no prefix), random; LayerNorms
    /// near 1 and 0 and every projection large enough that each layer changes the states.
    /// </summary>
    private static Dictionary<string, Tensor> BertModelTensors(Size size, bool pooler)
    {
        var t = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var (w, m) = (size.Width, size.Intermediate);
        void Linear(string name, long outputs, long inputs)
        {
            t[name + ".weight"] = randn(outputs, inputs) / Math.Sqrt(inputs);
            t[name + ".bias"] = randn(outputs) * 0.1;
        }
        void Norm(string name)
        {
            t[name + ".weight"] = 1 + randn(w) * 0.1;
            t[name + ".bias"] = randn(w) * 0.1;
        }
        t["embeddings.word_embeddings.weight"] = randn(size.Vocab, w);
        t["embeddings.position_embeddings.weight"] = randn(size.Positions, w) * 0.3;
        t["embeddings.token_type_embeddings.weight"] = randn(2, w) * 0.3;
        Norm("embeddings.LayerNorm");
        for (var i = 0; i < size.Layers; i++)
        {
            Linear($"encoder.layer.{i}.attention.self.query", w, w);
            Linear($"encoder.layer.{i}.attention.self.key", w, w);
            Linear($"encoder.layer.{i}.attention.self.value", w, w);
            Linear($"encoder.layer.{i}.attention.output.dense", w, w);
            Norm($"encoder.layer.{i}.attention.output.LayerNorm");
            Linear($"encoder.layer.{i}.intermediate.dense", m, w);
            Linear($"encoder.layer.{i}.output.dense", w, m);
            Norm($"encoder.layer.{i}.output.LayerNorm");
        }
        if (pooler) Linear("pooler.dense", w, w);
        return t;
    }

    /// <summary>The base model's tensors as a task model stores them: every name under <c>bert.</c>.</summary>
    private static Dictionary<string, Tensor> UnderBert(Dictionary<string, Tensor> tensors) =>
        tensors.ToDictionary(kv => "bert." + kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private string Write(string name, Dictionary<string, Tensor> tensors)
    {
        var path = Path.Combine(folder, name);
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        return path;
    }

    /// <summary>Two sentences of random real ids (never [PAD] = 0), of 5 and <paramref name="longest"/> tokens.</summary>
    private static long[][] Sentences(Size size, int longest) =>
        new[] { 5, longest }.Select(n => randint(1, size.Vocab, n).data<long>().ToArray()).ToArray();

    /// <summary>The sentences in one batch padded with 0, and the mask.</summary>
    private static (Tensor Ids, Tensor Mask) Batch(long[][] sentences)
    {
        var length = sentences.Max(s => s.Length);
        var ids = zeros(sentences.Length, length, ScalarType.Int64);
        for (var i = 0; i < sentences.Length; i++) ids[i, TensorIndex.Slice(0, sentences[i].Length)] = tensor(sentences[i]);
        return (ids, ids.ne(0));
    }

    /// <summary>
    /// The loaded model's last states (real tokens) and pooled output on a padded batch against the float64 reference on each
    /// sentence alone.
    /// </summary>
    private static double MaxDiffFromReference(BertModel model, BertReference reference, long[][] sentences, Func<List<Tensor>, Tensor> pooled)
    {
        using var _ = no_grad();
        var (ids, mask) = Batch(sentences);
        var states = model.Encode(ids, mask);
        var output = model.Forward(ids, mask);
        double worst = 0;
        for (var i = 0; i < sentences.Length; i++)
        {
            var written = reference.States(sentences[i]);
            worst = Math.Max(worst, BertReference.MaxDiff(states[i].narrow(0, 0, sentences[i].Length), written[^1]));
            worst = Math.Max(worst, BertReference.MaxDiff(output[i], pooled(written)));
        }
        return worst;
    }

    [Fact]
    public void A_BertModel_file_of_two_layers_width_32_with_position_ids_loads_and_equals_the_float64_reference()
    {
        using var scope = Torch.Scope(seed: 11);
        var tensors = BertModelTensors(TwoLayers, pooler: true);
        var file = new Dictionary<string, Tensor>(tensors) { ["embeddings.position_ids"] = arange(TwoLayers.Positions).unsqueeze(0) };
        var path = Write("bert-model.safetensors", file);

        // The size is read off the file; the head count is given (config.json's num_attention_heads).
        var config = BertCheckpoint.InferConfig(SafeTensorsFile.Read(path), numHeads: 4) with { Pooling = BertPooling.Pooler };
        Assert.Equal(new BertConfig(60, 32, 2, 4, 128, MaxPositions: 40, Pooling: BertPooling.Pooler), config);
        using var model = new BertModel(config);
        model.eval();

        var ignored = BertCheckpoint.Load(model, path);

        Assert.Equal(new[] { "embeddings.position_ids" }, ignored);
        var reference = new BertReference(tensors, TwoLayers.Width, TwoLayers.Heads, TwoLayers.Layers);
        var diff = MaxDiffFromReference(model, reference, Sentences(TwoLayers, longest: 13), written => reference.Pooler(written[^1]));
        Assert.True(diff <= Tolerance, $"states and pooler output differ from the float64 reference by {diff}");
    }

    [Fact]
    public void A_BertForMaskedLM_file_of_three_layers_width_48_under_bert_with_its_head_and_position_ids_loads()
    {
        using var scope = Torch.Scope(seed: 12);
        var size = ThreeLayers;
        var tensors = BertModelTensors(size, pooler: false);            // BertForMaskedLM has no pooler
        var file = UnderBert(tensors);
        file["bert.embeddings.position_ids"] = arange(size.Positions).unsqueeze(0);
        file["cls.predictions.bias"] = randn(size.Vocab);
        file["cls.predictions.transform.dense.weight"] = randn(size.Width, size.Width);
        file["cls.predictions.transform.dense.bias"] = randn(size.Width);
        file["cls.predictions.transform.LayerNorm.weight"] = ones(size.Width);
        file["cls.predictions.transform.LayerNorm.bias"] = zeros(size.Width);
        file["cls.predictions.decoder.weight"] = randn(size.Vocab, size.Width);
        file["cls.predictions.decoder.bias"] = randn(size.Vocab);
        var path = Write("bert-for-masked-lm.safetensors", file);

        var config = BertCheckpoint.InferConfig(SafeTensorsFile.Read(path), numHeads: 6);
        Assert.Equal(new BertConfig(70, 48, 3, 6, 192, MaxPositions: 48, Pooler: false), config);
        using var model = new BertModel(config);
        model.eval();

        var ignored = BertCheckpoint.Load(model, path);

        Assert.Equal(new[]
        {
            "bert.embeddings.position_ids", "cls.predictions.bias", "cls.predictions.decoder.bias", "cls.predictions.decoder.weight",
            "cls.predictions.transform.LayerNorm.bias", "cls.predictions.transform.LayerNorm.weight",
            "cls.predictions.transform.dense.bias", "cls.predictions.transform.dense.weight",
        }, ignored);
        var reference = new BertReference(tensors, size.Width, size.Heads, size.Layers);
        var diff = MaxDiffFromReference(model, reference, Sentences(size, longest: 17), written => written[^1].mean(new long[] { 0 }));
        Assert.True(diff <= Tolerance, $"states and mean-pooled output differ from the float64 reference by {diff}");

        // A model with a pooler needs the pooler's weights, which a masked-LM file does not have.
        using var withPooler = new BertModel(config with { Pooler = true });
        var before = Torch.Snapshot(withPooler);
        var error = Assert.Throws<CheckpointException>(() => BertCheckpoint.Load(withPooler, path));
        Assert.Contains("missing: pooler.dense.weight, pooler.dense.bias", error.Message);
        Assert.All(before, kv => Assert.True(Torch.Same(kv.Value, withPooler.state_dict()[kv.Key]), kv.Key));
    }

    [Fact]
    public void A_BertForSequenceClassification_file_with_legacy_gamma_beta_names_loads_its_classifier()
    {
        using var scope = Torch.Scope(seed: 13);
        var size = TwoLayers;
        var tensors = BertModelTensors(size, pooler: true);
        tensors["classifier.weight"] = randn(2, size.Width);
        tensors["classifier.bias"] = randn(2);
        // As older files (converted from TensorFlow's BERT) store it: the base model under bert., LayerNorm.gamma / .beta, the classifier not prefixed.
        var file = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in tensors)
        {
            var stored = name.StartsWith("classifier.", StringComparison.Ordinal) ? name : "bert." + name;
            stored = stored.Replace("LayerNorm.weight", "LayerNorm.gamma", StringComparison.Ordinal).Replace("LayerNorm.bias", "LayerNorm.beta", StringComparison.Ordinal);
            file[stored] = value;
        }
        Assert.Contains("bert.encoder.layer.1.output.LayerNorm.gamma", file.Keys);
        var path = Write("bert-for-sequence-classification.safetensors", file);

        using var model = new BertModel(new BertConfig(60, 32, 2, 4, 128, MaxPositions: 40, Pooling: BertPooling.Pooler, NumClasses: 2));
        model.eval();
        Assert.Empty(BertCheckpoint.Load(model, path));

        var reference = new BertReference(tensors, size.Width, size.Heads, size.Layers);
        var diff = MaxDiffFromReference(model, reference, Sentences(size, longest: 9), written => reference.Linear(reference.Pooler(written[^1]), "classifier"));
        Assert.True(diff <= Tolerance, $"states and logits differ from the float64 reference by {diff}");

        // Without a classifier the file's is ignored; with one of another width it is refused.
        using var encoderOnly = new BertModel(new BertConfig(60, 32, 2, 4, 128, MaxPositions: 40));
        Assert.Equal(new[] { "classifier.bias", "classifier.weight" }, BertCheckpoint.Load(encoderOnly, path));
        using var threeClasses = new BertModel(new BertConfig(60, 32, 2, 4, 128, MaxPositions: 40, NumClasses: 3));
        var error = Assert.Throws<CheckpointException>(() => BertCheckpoint.Load(threeClasses, path));
        Assert.Contains("classifier.weight: checkpoint [2, 32] vs module [3, 32]", error.Message);
    }

    [Fact]
    public void Missing_mis_shaped_and_unknown_tensors_are_refused_by_name_and_no_weight_changes()
    {
        using var scope = Torch.Scope(seed: 14);
        var size = ThreeLayers;
        var file = UnderBert(BertModelTensors(size, pooler: true));
        file.Remove("bert.encoder.layer.2.output.dense.bias");
        file["bert.encoder.layer.1.intermediate.dense.weight"] = randn(100, size.Width);
        file["bert.encoder.layer.3.output.dense.weight"] = randn(size.Width, size.Intermediate);
        var path = Write("broken.safetensors", file);
        using var model = new BertModel(new BertConfig(70, 48, 3, 6, 192, MaxPositions: 48));
        var before = Torch.Snapshot(model);

        var error = Assert.Throws<CheckpointException>(() => BertCheckpoint.Load(model, path));

        Assert.Contains("broken.safetensors", error.Message);
        Assert.Contains("missing: encoder.layer.2.output.dense.bias", error.Message);
        Assert.Contains("unexpected: encoder.layer.3.output.dense.weight", error.Message);
        Assert.Contains("encoder.layer.1.intermediate.dense.weight: checkpoint [100, 48] vs module [192, 48]", error.Message);
        Assert.Contains("nothing was loaded", error.Message);
        Assert.All(before, kv => Assert.True(Torch.Same(kv.Value, model.state_dict()[kv.Key]), kv.Key));

        // One tensor under two names (with and without bert.) is refused too.
        var twice = UnderBert(BertModelTensors(size, pooler: true));
        twice["embeddings.word_embeddings.weight"] = twice["bert.embeddings.word_embeddings.weight"];
        var clash = Assert.Throws<CheckpointException>(() => BertCheckpoint.Load(model, twice, "twice.safetensors"));
        Assert.Contains("bert.embeddings.word_embeddings.weight and embeddings.word_embeddings.weight", clash.Message);
        Assert.All(before, kv => Assert.True(Torch.Same(kv.Value, model.state_dict()[kv.Key]), kv.Key));
    }
}
