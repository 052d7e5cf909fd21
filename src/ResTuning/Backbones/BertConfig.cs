namespace ResTuning.Backbones;

/// <summary>
/// Shape of a <see cref="BertModel"/>, with Hugging Face's <c>BertConfig</c> fields. Presets: <see cref="MiniLML6"/>
/// (all-MiniLM-L6-v2) and <see cref="Base"/> (bert-base-uncased); change single fields with <c>with</c>.
/// </summary>
/// <param name="VocabSize">Rows of <c>embeddings.word_embeddings</c> (HF <c>vocab_size</c>).</param>
/// <param name="HiddenSize">Token width D (HF <c>hidden_size</c>).</param>
/// <param name="NumLayers">Encoder layers (HF <c>num_hidden_layers</c>).</param>
/// <param name="NumHeads">Attention heads; must divide <paramref name="HiddenSize"/> (HF <c>num_attention_heads</c>).</param>
/// <param name="IntermediateSize">Hidden width of each feed-forward block (HF <c>intermediate_size</c>).</param>
/// <param name="MaxPositions">Rows of <c>embeddings.position_embeddings</c>, the longest sequence (HF <c>max_position_embeddings</c>).</param>
/// <param name="TypeVocabSize">Rows of <c>embeddings.token_type_embeddings</c> (HF <c>type_vocab_size</c>).</param>
/// <param name="LayerNormEps">Epsilon of every LayerNorm (HF <c>layer_norm_eps</c>, 1e-12).</param>
/// <param name="PadTokenId">The <c>[PAD]</c> id: <see cref="BertModel.forward"/> masks the positions holding it (HF <c>pad_token_id</c>, 0).</param>
/// <param name="HiddenDropout">Dropout after the embeddings and each projection, in training mode (HF <c>hidden_dropout_prob</c>).</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities, in training mode (HF <c>attention_probs_dropout_prob</c>).</param>
/// <param name="Pooler">Whether the model has HF's <c>pooler.dense</c> (dense + tanh on <c>[CLS]</c>); checkpoints of <c>BertModel</c> carry it.</param>
/// <param name="Pooling">How the forward pools the token states (see <see cref="BertPooling"/>).</param>
/// <param name="NumClasses">Outputs of a new <c>classifier</c> Linear on the pooled vector; 0 for none (the forward returns the pooled vector).</param>
public sealed record BertConfig(
    long VocabSize,
    long HiddenSize,
    int NumLayers,
    long NumHeads,
    long IntermediateSize,
    long MaxPositions = 512,
    long TypeVocabSize = 2,
    double LayerNormEps = 1e-12,
    long PadTokenId = 0,
    double HiddenDropout = 0.1,
    double AttentionDropout = 0.1,
    bool Pooler = true,
    BertPooling Pooling = BertPooling.Mean,
    long NumClasses = 0)
{
    /// <summary>
    /// sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT encoder, width 384, 12 heads, feed-forward 1536, vocabulary 30522,
    /// with HF's pooler), mean pooling, no classifier: 22.7 M parameters.
    /// </summary>
    public static BertConfig MiniLML6 { get; } = new(30522, 384, 6, 12, 1536);

    /// <summary>bert-base-uncased: width 768, 12 layers, 12 heads, feed-forward 3072, vocabulary 30522, with the pooler, [CLS] pooling.</summary>
    public static BertConfig Base { get; } = new(30522, 768, 12, 12, 3072, Pooling: BertPooling.Cls);

    /// <summary>Width of one attention head, D / H.</summary>
    public long HeadDim => HiddenSize / NumHeads;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field and how to fix it.</summary>
    public void Validate()
    {
        if (VocabSize <= 0) throw new ArgumentException($"VocabSize must be positive, got {VocabSize}.", nameof(VocabSize));
        if (HiddenSize <= 0) throw new ArgumentException($"HiddenSize must be positive, got {HiddenSize}.", nameof(HiddenSize));
        if (NumLayers <= 0) throw new ArgumentException($"NumLayers must be positive, got {NumLayers}.", nameof(NumLayers));
        if (NumHeads <= 0 || HiddenSize % NumHeads != 0)
            throw new ArgumentException($"NumHeads {NumHeads} must be positive and divide HiddenSize {HiddenSize}.", nameof(NumHeads));
        if (IntermediateSize <= 0) throw new ArgumentException($"IntermediateSize must be positive, got {IntermediateSize}.", nameof(IntermediateSize));
        if (MaxPositions <= 0) throw new ArgumentException($"MaxPositions must be positive, got {MaxPositions}.", nameof(MaxPositions));
        if (TypeVocabSize <= 0) throw new ArgumentException($"TypeVocabSize must be positive, got {TypeVocabSize}.", nameof(TypeVocabSize));
        if (!(LayerNormEps > 0)) throw new ArgumentException($"LayerNormEps must be positive, got {LayerNormEps}.", nameof(LayerNormEps));
        if (PadTokenId < 0 || PadTokenId >= VocabSize) throw new ArgumentException($"PadTokenId {PadTokenId} is not in the vocabulary [0, {VocabSize}).", nameof(PadTokenId));
        if (!(HiddenDropout >= 0 && HiddenDropout < 1)) throw new ArgumentException($"HiddenDropout must be in [0, 1), got {HiddenDropout}.", nameof(HiddenDropout));
        if (!(AttentionDropout >= 0 && AttentionDropout < 1)) throw new ArgumentException($"AttentionDropout must be in [0, 1), got {AttentionDropout}.", nameof(AttentionDropout));
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"Pooling {(int)Pooling} is not a BertPooling.", nameof(Pooling));
        if (Pooling == BertPooling.Pooler && !Pooler)
            throw new ArgumentException("Pooling = BertPooling.Pooler needs the pooler: set Pooler = true.", nameof(Pooling));
        if (NumClasses < 0) throw new ArgumentException($"NumClasses must be 0 (no classifier) or positive, got {NumClasses}.", nameof(NumClasses));
    }
}
