using ResTuning.Onnx;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.TestSupport;

/// <summary>
/// The check every BERT model of the DSL and of the text sample gets on real sentences: the padded batch against each sentence
/// alone (padding never leaks), and against a hand-written float64 reference on the unpadded ids (<see cref="BertReference"/>).
/// Shared by tests/ResTuning.Generators.Tests and tests/ResTuning.Samples.Tests.
/// </summary>
public static class BertPaddingChecks
{
    /// <summary>Alone vs padded: the tolerance on every output.</summary>
    public const double PaddingTolerance = 1e-5;

    /// <summary>Model vs the float64 reference: the tolerance on every output.</summary>
    public const double ReferenceTolerance = 1e-4;

    /// <summary>
    /// Runs <paramref name="run"/> on <paramref name="sentences"/> in one padded batch and on each sentence alone, and compares
    /// both with <paramref name="reference"/> on the unpadded ids: the logits and, where <paramref name="run"/> returns one, the
    /// pooled representation. With <paramref name="untuned"/> (the logits without the tuners), the tuners must also move the
    /// logits by more than 1e-3, so the comparison is not trivial.
    /// </summary>
    public static void AssertPaddingFreeAndAsWrittenOut(BertTextTokenizer tokenizer, IReadOnlyList<string> sentences, ITestOutputHelper output, string method,
        Func<TokenBatch, (Tensor? Pooled, Tensor Logits)> run, Func<long[], (Tensor? Pooled, Tensor Logits)> reference, Func<long[], Tensor>? untuned = null)
    {
        using var scope = NewDisposeScope();
        using var batch = tokenizer.EncodeBatch(sentences);
        var lengths = batch.AttentionMask.sum(1).data<long>().ToArray();
        Assert.True(lengths.Distinct().Count() == sentences.Count, "sentences of different lengths, so the batch is padded");
        var (pooled, logits) = run(batch);
        double padding = 0, written = 0, change = 0, pooledPadding = 0, pooledWritten = 0;
        for (var i = 0; i < sentences.Count; i++)
        {
            using var alone = tokenizer.EncodeBatch(new[] { sentences[i] });
            Assert.Equal(lengths[i], alone.InputIds.shape[1]);
            var (pooledAlone, logitsAlone) = run(alone);
            var ids = alone.InputIds[0].data<long>().ToArray();
            var (pooledRef, logitsRef) = reference(ids);
            padding = Math.Max(padding, BertReference.MaxDiff(logits[i], logitsAlone[0]));
            written = Math.Max(written, BertReference.MaxDiff(logits[i], logitsRef));
            Assert.Equal(pooled is null, pooledRef is null);
            if (pooled is not null)
            {
                pooledPadding = Math.Max(pooledPadding, BertReference.MaxDiff(pooled[i], pooledAlone![0]));
                pooledWritten = Math.Max(pooledWritten, BertReference.MaxDiff(pooled[i], pooledRef!));
            }
            if (untuned is not null) change = Math.Max(change, BertReference.MaxDiff(logitsRef, untuned(ids)));
        }
        output.WriteLine($"{method}: lengths [{string.Join(", ", lengths)}]; max |diff| alone vs padded: logits {padding:G3}" +
                         (pooled is null ? "" : $", pooled {pooledPadding:G3}") + $"; vs hand-written float64 reference: logits {written:G3}" +
                         (pooled is null ? "" : $", pooled {pooledWritten:G3}") + (untuned is null ? "" : $"; tuners move the logits by up to {change:G3}"));
        Assert.True(padding <= PaddingTolerance, $"{method}: a sentence alone and padded in a batch differ by {padding} (logits)");
        Assert.True(pooledPadding <= PaddingTolerance, $"{method}: a sentence alone and padded in a batch differ by {pooledPadding} (pooled)");
        Assert.True(written <= ReferenceTolerance, $"{method}: the model and the written-out reference differ by {written} (logits)");
        Assert.True(pooledWritten <= ReferenceTolerance, $"{method}: the model and the written-out reference differ by {pooledWritten} (pooled)");
        if (untuned is not null) Assert.True(change > 1e-3, $"{method}: the tuners barely change the output ({change})");
    }
}
