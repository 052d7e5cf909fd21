namespace ResTuning.Backbones;

/// <summary>
/// A BERT encoder whose state-dict names match Hugging Face's <c>BertModel</c> (<c>embeddings.word_embeddings.weight</c>,
/// <c>encoder.layer.{i}.attention.self.query.weight</c>, <c>...attention.output.dense</c>, <c>...attention.output.LayerNorm</c>,
/// <c>...intermediate.dense</c>, <c>...output.dense</c>, <c>...output.LayerNorm</c>, <c>pooler.dense</c>), so HF checkpoints
/// of any size load with <see cref="BertCheckpoint.Load(BertModel, string)"/> (which maps HF task models' <c>bert.</c> prefix and skips their heads);
/// plus an optional new <c>classifier</c> Linear.
/// The attention mask is honoured everywhere: a padded token never changes another token's state, the pooled vector or the
/// logits.
/// </summary>
/// <remarks>
/// <para>As a <c>Module&lt;Tensor, Tensor&gt;</c> (what the DSL wraps), the forward takes token ids <c>[B, T]</c> and masks the
/// positions holding <see cref="BertConfig.PadTokenId"/> (BERT tokenizers pad with <c>[PAD]</c>, which never occurs in text);
/// <see cref="Forward(Tensor, Tensor, Tensor?)"/> takes an explicit mask and token types. It returns the pooled vector
/// <c>[B, D]</c> (<see cref="BertConfig.Pooling"/>) or, with a classifier, logits.</para>
/// <para>Taps for a bypass, like the ViT's: <c>embeddings</c> (x_0) and <c>encoder.layer.*</c> (x_1..x_L) give <c>[B, T, D]</c>;
/// token-wise bypass tuners and the class-token head keep padding out. Parallel taps: <c>encoder.layer.*.attention.self</c>
/// (Res-Prefix, Res-Prompt), <c>encoder.layer.*.ffn</c> (Res-Adapter), <c>encoder.layer.*.attention.self.query</c> (LoRA), ...</para>
/// </remarks>
public sealed class BertModel : nn.Module<Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;
    private readonly Linear? classifier;
    private readonly BertPassContext context = new();

    /// <summary>Creates a randomly initialised BERT (normal, std 0.02, zero biases, unit norms, as HF).</summary>
    /// <param name="config">The shape; validated.</param>
    /// <param name="name">Module name.</param>
    public BertModel(BertConfig config, string name = "bert") : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config, context);
        encoder = new BertEncoder(config, context);
        pooler = config.Pooler ? new BertPooler(config) : null;
        classifier = config.NumClasses > 0 ? nn.Linear(config.HiddenSize, config.NumClasses) : null;
        register_module("embeddings", embeddings);
        register_module("encoder", encoder);
        if (pooler is not null) register_module("pooler", pooler);
        if (classifier is not null) register_module("classifier", classifier);

        using (no_grad())
        {
            foreach (var (paramName, p) in named_parameters())
            {
                if (paramName.Contains("LayerNorm", StringComparison.Ordinal)) { if (paramName.EndsWith("weight", StringComparison.Ordinal)) nn.init.ones_(p); else nn.init.zeros_(p); }
                else if (paramName.EndsWith("weight", StringComparison.Ordinal)) nn.init.normal_(p, std: 0.02);
                else nn.init.zeros_(p);
            }
            embeddings.WordEmbeddings.weight![config.PadTokenId].zero_();
        }
    }

    /// <summary>The shape this model was built with.</summary>
    public BertConfig Config { get; }

    /// <summary>The input embeddings (HF <c>embeddings</c>).</summary>
    public BertEmbeddings Embeddings => embeddings;

    /// <summary>The layer stack (HF <c>encoder</c>).</summary>
    public BertEncoder Encoder => encoder;

    /// <summary>HF's pooler (<c>pooler.dense</c> + tanh on <c>[CLS]</c>), or null when <see cref="BertConfig.Pooler"/> is false.</summary>
    public BertPooler? Pooler => pooler;

    /// <summary>The classifier on the pooled vector, or null when <see cref="BertConfig.NumClasses"/> is 0.</summary>
    public Linear? Classifier => classifier;

    /// <summary>Token ids <c>[B, T]</c> to the pooled vector (or logits), masking the <see cref="BertConfig.PadTokenId"/> positions.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var mask = inputIds.ne(Config.PadTokenId);
        return Forward(inputIds, mask);
    }

    /// <summary>Token ids <c>[B, T]</c> to the pooled vector <c>[B, D]</c>, or logits <c>[B, classes]</c> with a classifier.</summary>
    /// <param name="inputIds">Token ids, int64 <c>[B, T]</c>.</param>
    /// <param name="attentionMask">1 (or true) at real tokens, 0 at padding, <c>[B, T]</c>.</param>
    /// <param name="tokenTypeIds">Segment ids <c>[B, T]</c>; null for all zeros.</param>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        using var scope = NewDisposeScope();
        var mask = CheckedMask(inputIds, attentionMask);
        using var pass = context.Enter(mask, tokenTypeIds);
        var states = encoder.call(embeddings.call(inputIds));
        var pooled = Pool(states, mask);
        var result = classifier is null ? pooled : classifier.call(pooled);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Token ids to the last layer's token states <c>[B, T, D]</c> (HF's <c>last_hidden_state</c>); padded positions hold states no real token reads.</summary>
    /// <param name="inputIds">Token ids, int64 <c>[B, T]</c>.</param>
    /// <param name="attentionMask">1 at real tokens, 0 at padding; null to mask the <see cref="BertConfig.PadTokenId"/> positions.</param>
    /// <param name="tokenTypeIds">Segment ids; null for all zeros.</param>
    public Tensor Encode(Tensor inputIds, Tensor? attentionMask = null, Tensor? tokenTypeIds = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        var mask = CheckedMask(inputIds, attentionMask ?? inputIds.ne(Config.PadTokenId));
        using var pass = context.Enter(mask, tokenTypeIds);
        return encoder.call(embeddings.call(inputIds)).MoveToOuterDisposeScope();
    }

    /// <summary>Pools token states <c>[B, T, D]</c> into <c>[B, D]</c> as <see cref="BertConfig.Pooling"/> says, over <paramref name="attentionMask"/>.</summary>
    public Tensor Pool(Tensor states, Tensor attentionMask) => Config.Pooling switch
    {
        BertPooling.Mean => MeanPool(states, attentionMask),
        BertPooling.Cls => states.select(1, 0),
        _ => pooler!.call(states),
    };

    /// <summary>The mean of <paramref name="states"/> <c>[B, T, D]</c> over the tokens where <paramref name="attentionMask"/> <c>[B, T]</c> is set (sentence-transformers' mean pooling).</summary>
    public static Tensor MeanPool(Tensor states, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var weights = attentionMask.to(states.dtype).unsqueeze(-1);
        // sentence-transformers clamps the count at 1e-9, so an all-padding row gives zeros, not NaN.
        var summed = (states * weights).sum(1);
        return (summed / weights.sum(1).clamp_min(1e-9)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) context.Dispose();
        base.Dispose(disposing);
    }

    private static Tensor CheckedMask(Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
            throw new ArgumentException($"Token ids must be int64 [batch, tokens]; got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"The attention mask [{string.Join(", ", attentionMask.shape)}] must have the token ids' shape [{string.Join(", ", inputIds.shape)}].", nameof(attentionMask));
        return attentionMask.dtype == ScalarType.Bool ? attentionMask : attentionMask.ne(0);
    }
}
