using Microsoft.ML.Tokenizers;

namespace ResTuning.Onnx;

/// <summary>
/// BERT's WordPiece tokenisation (Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: lower-casing, accent stripping,
/// punctuation splitting, <c>##</c> continuations) of texts into padded id batches for a <see cref="Backbones.BertModel"/>.
/// </summary>
public sealed class BertTextTokenizer
{
    private BertTextTokenizer(BertTokenizer tokenizer) => Tokenizer = tokenizer;

    /// <summary>Creates the tokenizer from a <c>vocab.txt</c> (one word piece per line, the line number its id), lower-casing as uncased BERTs do.</summary>
    /// <param name="vocabulary">The vocabulary's bytes (read to the end).</param>
    /// <exception cref="InvalidDataException">The vocabulary lacks one of <c>[PAD]</c>, <c>[UNK]</c>, <c>[CLS]</c>, <c>[SEP]</c>.</exception>
    public static BertTextTokenizer Create(Stream vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        BertTokenizer tokenizer;
        try
        {
            tokenizer = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The vocabulary is not a BERT vocab.txt (it needs [PAD], [UNK], [CLS] and [SEP]): {e.Message}", e);
        }
        return new BertTextTokenizer(tokenizer);
    }

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>The <c>[PAD]</c> id (0 in BERT vocabularies).</summary>
    public int PadTokenId => Tokenizer.PaddingTokenId;

    /// <summary>The ids of <paramref name="text"/> with <c>[CLS]</c> in front and <c>[SEP]</c> at the end, at most <paramref name="maxTokens"/> (the word pieces past it are cut, <c>[SEP]</c> kept, as sentence-transformers truncates).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> is under 2.</exception>
    public IReadOnlyList<int> Encode(string text, int maxTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxTokens < 2) throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "A sequence needs room for [CLS] and [SEP]: give at least 2 tokens.");
        var pieces = Tokenizer.EncodeToIds(text, addSpecialTokens: false);
        var ids = new List<int>(Math.Min(pieces.Count, maxTokens - 2) + 2) { Tokenizer.ClassificationTokenId };
        ids.AddRange(pieces.Take(maxTokens - 2));
        ids.Add(Tokenizer.SeparatorTokenId);
        return ids;
    }

    /// <summary>Tokenises <paramref name="texts"/> (see <see cref="Encode"/>) into one batch padded with <c>[PAD]</c> to the longest.</summary>
    /// <exception cref="ArgumentException">No texts.</exception>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, int maxTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("Give at least one text.", nameof(texts));
        var encoded = texts.Select(t => Encode(t, maxTokens)).ToArray();
        var length = encoded.Max(e => e.Count);
        var ids = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        for (var i = 0; i < encoded.Length; i++)
            for (var j = 0; j < length; j++)
            {
                var real = j < encoded[i].Count;
                ids[i * length + j] = real ? encoded[i][j] : PadTokenId;
                mask[i * length + j] = real ? 1 : 0;
            }
        var shape = new long[] { texts.Count, length };
        return new TokenBatch(tensor(ids, shape), tensor(mask, shape));
    }

    /// <summary>The text of <paramref name="ids"/>, special tokens left out and word pieces joined.</summary>
    public string Decode(IEnumerable<int> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);
}
