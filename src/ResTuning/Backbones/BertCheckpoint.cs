using ResTuning.Checkpoints;

namespace ResTuning.Backbones;

/// <summary>
/// Loads Hugging Face BERT checkpoints (<c>model.safetensors</c> of <c>BertModel</c>, <c>BertForMaskedLM</c>,
/// <c>BertForPreTraining</c>, <c>BertForSequenceClassification</c>, of any size) into a <see cref="BertModel"/>, and reads a
/// checkpoint's shape (<see cref="InferConfig"/>).
/// </summary>
/// <remarks>
/// <para>The names are mapped as Hugging Face's <c>from_pretrained</c> maps them: a leading <c>bert.</c> (the base model inside a
/// task model) is stripped, and the legacy LayerNorm names <c>gamma</c> / <c>beta</c> read as <c>weight</c> / <c>bias</c>.</para>
/// <para>Ignored (and returned, as named in the file): the buffers <c>embeddings.position_ids</c> and
/// <c>embeddings.token_type_ids</c> (older checkpoints saved them), the pretraining heads <c>cls.*</c> (masked-LM and
/// next-sentence prediction; a <see cref="BertModel"/> has neither), <c>pooler.*</c> when the model has no pooler
/// (<see cref="BertConfig.Pooler"/> false), and <c>classifier.*</c> when it has no classifier (<see cref="BertConfig.NumClasses"/> 0).
/// A model's classifier is loaded when the file has one and otherwise keeps its own (new) weights.</para>
/// <para>Everything else is strict, through <see cref="Checkpoints.StateDictLoader"/>: a tensor of the model missing from the file
/// (e.g. <c>pooler.dense.*</c> from a <c>BertForMaskedLM</c> file, which has no pooler: build the model with
/// <c>Pooler: false</c>), a mis-shaped or mis-typed one, or a name the model does not have is refused with a
/// <see cref="Checkpoints.CheckpointException"/> listing every such name, before any weight changes.</para>
/// </remarks>
public static class BertCheckpoint
{
    private const string BasePrefix = "bert.";

    /// <summary>
    /// Reads the Hugging Face BERT safetensors file <paramref name="path"/> and loads it into <paramref name="model"/> (see the
    /// class remarks for the names mapped and ignored).
    /// </summary>
    /// <param name="model">The encoder to load into; build it with the checkpoint's shape (<see cref="InferConfig"/>, or HF's <c>config.json</c>).</param>
    /// <param name="path">A <c>.safetensors</c> file, e.g. a Hugging Face <c>model.safetensors</c>.</param>
    /// <returns>The file's names that were ignored (buffers and heads the model does not have), in ordinal order.</returns>
    /// <exception cref="Checkpoints.CheckpointException">The file is unreadable or corrupt, or does not match the model (missing, mis-shaped, mis-typed or unknown tensors, each named); the model is unchanged.</exception>
    public static IReadOnlyList<string> Load(BertModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = SafeTensorsFile.Read(path);
        try
        {
            return Load(model, tensors, path);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Loads tensors named as in a Hugging Face BERT checkpoint into <paramref name="model"/> (see the class remarks for the
    /// names mapped and ignored).
    /// </summary>
    /// <param name="model">The encoder to load into.</param>
    /// <param name="tensors">The checkpoint's tensors by their Hugging Face names (with or without the <c>bert.</c> prefix).</param>
    /// <param name="path">Where the tensors came from, for messages.</param>
    /// <returns>The names of <paramref name="tensors"/> that were ignored, in ordinal order.</returns>
    /// <exception cref="Checkpoints.CheckpointException">The tensors do not match the model (missing, mis-shaped, mis-typed or unknown tensors, each named, or one name given with and without <c>bert.</c>); the model is unchanged.</exception>
    public static IReadOnlyList<string> Load(BertModel model, IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        var (mapped, ignored) = Map(tensors, path, model.Pooler is not null, model.Classifier is not null);
        // A model's classifier is new unless the file has one: only then are its tensors expected.
        var hasClassifier = mapped.Keys.Any(IsClassifier);
        var expected = model.state_dict().Keys.Where(n => hasClassifier || !IsClassifier(n));
        StateDictLoader.Load(model, mapped, path, expected);
        return ignored;
    }

    /// <summary>
    /// The shape of the BERT encoder whose Hugging Face tensors are <paramref name="tensors"/>: vocabulary, width, layers,
    /// feed-forward width, positions, token types and whether it has a pooler are read off the tensors; the head count cannot be,
    /// so it is given (HF <c>config.json</c>'s <c>num_attention_heads</c>). Other fields keep their defaults.
    /// </summary>
    /// <param name="tensors">The checkpoint's tensors by their Hugging Face names (with or without <c>bert.</c>).</param>
    /// <param name="numHeads">Attention heads (HF <c>num_attention_heads</c>).</param>
    /// <param name="numClasses">Outputs of the model's classifier; 0 for none.</param>
    /// <exception cref="ArgumentException">A tensor the shape is read from is missing or mis-shaped (named), or the shape is invalid.</exception>
    public static BertConfig InferConfig(IReadOnlyDictionary<string, Tensor> tensors, long numHeads, long numClasses = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors) shapes[MapName(name)] = tensor.shape;
        long[] Shape(string name)
        {
            if (!shapes.TryGetValue(name, out var shape))
                throw new ArgumentException($"The checkpoint has no '{name}' (or '{BasePrefix}{name}'): is it a BERT with Hugging Face's names?", nameof(tensors));
            if (shape.Length != 2)
                throw new ArgumentException($"'{name}' has shape [{string.Join(", ", shape)}], expected 2 dimensions.", nameof(tensors));
            return shape;
        }
        var words = Shape("embeddings.word_embeddings.weight");
        var positions = Shape("embeddings.position_embeddings.weight");
        var types = Shape("embeddings.token_type_embeddings.weight");
        var intermediate = Shape("encoder.layer.0.intermediate.dense.weight");
        var layers = 0;
        while (shapes.ContainsKey($"encoder.layer.{layers}.attention.self.query.weight")) layers++;
        var config = new BertConfig(words[0], words[1], layers, numHeads, intermediate[0], positions[0], types[0],
            Pooler: shapes.ContainsKey("pooler.dense.weight"), NumClasses: numClasses);
        config.Validate();
        return config;
    }

    private static bool IsClassifier(string name) => name.StartsWith("classifier.", StringComparison.Ordinal);

    /// <summary>HF's name mapping: <c>bert.</c> stripped, LayerNorm <c>gamma</c>/<c>beta</c> as <c>weight</c>/<c>bias</c>.</summary>
    private static string MapName(string name)
    {
        var mapped = name.StartsWith(BasePrefix, StringComparison.Ordinal) ? name[BasePrefix.Length..] : name;
        if (mapped.EndsWith(".gamma", StringComparison.Ordinal)) return mapped[..^".gamma".Length] + ".weight";
        if (mapped.EndsWith(".beta", StringComparison.Ordinal)) return mapped[..^".beta".Length] + ".bias";
        return mapped;
    }

    private static bool Ignored(string name, bool hasPooler, bool hasClassifier) =>
        name is "embeddings.position_ids" or "embeddings.token_type_ids"
        || name.StartsWith("cls.", StringComparison.Ordinal)
        || (!hasPooler && name.StartsWith("pooler.", StringComparison.Ordinal))
        || (!hasClassifier && IsClassifier(name));

    private static (Dictionary<string, Tensor> Mapped, List<string> Ignored) Map(IReadOnlyDictionary<string, Tensor> tensors, string path, bool hasPooler, bool hasClassifier)
    {
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var clashes = new List<string>();
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var target = MapName(name);
            if (Ignored(target, hasPooler, hasClassifier))
            {
                ignored.Add(name);
                continue;
            }
            if (from.TryGetValue(target, out var first))
            {
                clashes.Add($"{first} and {name}");
                continue;
            }
            from[target] = name;
            mapped[target] = tensor;
        }
        if (clashes.Count > 0)
            throw new CheckpointException(path, $"names one tensor twice ({string.Join("; ", clashes)}): with and without '{BasePrefix}' or as weight and gamma; nothing was loaded.");
        return (mapped, ignored);
    }
}
