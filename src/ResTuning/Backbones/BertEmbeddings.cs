using TorchSharp.Utils;

namespace ResTuning.Backbones;

/// <summary>
/// BERT's input embeddings in Hugging Face's layout: <c>word_embeddings</c>, <c>position_embeddings</c>,
/// <c>token_type_embeddings</c>, <c>LayerNorm</c>; forward <c>LayerNorm(word + position + type)</c> from token ids
/// <c>[B, T]</c> (int64) to states <c>[B, T, D]</c>. The token types come from the <see cref="BertModel"/> pass (zeros outside one
/// or when none were given).
/// </summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "word_embeddings")]
    private readonly Embedding wordEmbeddings;
    [ComponentName(Name = "position_embeddings")]
    private readonly Embedding positionEmbeddings;
    [ComponentName(Name = "token_type_embeddings")]
    private readonly Embedding tokenTypeEmbeddings;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm layerNorm;
    private readonly Dropout dropout;
    private readonly BertPassContext context;
    private readonly long maxPositions;

    internal BertEmbeddings(BertConfig config, BertPassContext context, string name = "embeddings") : base(name)
    {
        this.context = context;
        maxPositions = config.MaxPositions;
        wordEmbeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        positionEmbeddings = nn.Embedding(config.MaxPositions, config.HiddenSize);
        tokenTypeEmbeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        layerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropout);
        register_module("word_embeddings", wordEmbeddings);
        register_module("position_embeddings", positionEmbeddings);
        register_module("token_type_embeddings", tokenTypeEmbeddings);
        register_module("LayerNorm", layerNorm);
        register_module("dropout", dropout);
    }

    /// <summary>Token embeddings <c>[vocab, D]</c> (HF <c>word_embeddings</c>).</summary>
    public Embedding WordEmbeddings => wordEmbeddings;

    /// <summary>Absolute position embeddings <c>[max positions, D]</c> (HF <c>position_embeddings</c>).</summary>
    public Embedding PositionEmbeddings => positionEmbeddings;

    /// <summary>Segment embeddings <c>[types, D]</c> (HF <c>token_type_embeddings</c>).</summary>
    public Embedding TokenTypeEmbeddings => tokenTypeEmbeddings;

    /// <summary>The norm of the summed embeddings (HF <c>LayerNorm</c>).</summary>
    public LayerNorm LayerNorm => layerNorm;

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds)
    {
        if (inputIds.dim() != 2)
            throw new ArgumentException($"'{GetName()}': token ids must be [batch, tokens]; got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        if (inputIds.shape[1] > maxPositions)
            throw new ArgumentException($"'{GetName()}': {inputIds.shape[1]} tokens exceed the {maxPositions} positions this model has; truncate the sequences.", nameof(inputIds));
        using var scope = NewDisposeScope();
        var positions = arange(inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0);
        var types = context.Current?.TokenTypes ?? zeros_like(inputIds);
        var summed = wordEmbeddings.call(inputIds) + positionEmbeddings.call(positions) + tokenTypeEmbeddings.call(types);
        return dropout.call(layerNorm.call(summed)).MoveToOuterDisposeScope();
    }
}
