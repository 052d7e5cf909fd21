using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Onnx;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.Text;

/// <summary>The text sample's splits as token ids, in the main job's <see cref="TransferData"/> shape.</summary>
public static class TextData
{
    /// <summary>
    /// Tokenises the split (at most <paramref name="tokenCap"/> tokens, <c>[CLS]</c> and <c>[SEP]</c> included) into the protocol's
    /// splits: per class, the first <see cref="TransferProtocol.LabelledPerClass"/> texts of the labelled pool (in the file's
    /// order, which the freezing seed shuffled) are the labelled examples, the last <see cref="TransferProtocol.ValidationPerClass"/>
    /// of those the validation split of the sweep; the test split is the first <paramref name="testPerClass"/> test texts of each
    /// class (0: all); both evaluation splits are ordered by length (OrderBy is stable). The "images" of each <see cref="LabeledImages"/> are token ids <c>[N, T]</c> (int64), padded with
    /// <c>[PAD]</c> to the longest text of all splits.
    /// </summary>
    /// <exception cref="ArgumentException">A class has too few labelled texts for the protocol.</exception>
    public static TransferData Build(TextSplit split, BertTextTokenizer tokenizer, TransferProtocol protocol, int tokenCap, int testPerClass)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(protocol);
        var sweep = new List<LabelledText>();
        var validation = new List<LabelledText>();
        var test = new List<LabelledText>();
        for (var c = 0; c < split.ClassNames.Count; c++)
        {
            var pool = split.Train.Where(t => t.Label == c).Take(protocol.LabelledPerClass).ToArray();
            if (pool.Length <= protocol.ValidationPerClass)
                throw new ArgumentException($"Class {split.ClassNames[c]} has {pool.Length} labelled texts; the protocol needs more than {protocol.ValidationPerClass} " +
                                            "(packages apt no longer has are skipped: is apt's index much newer than the split?).");
            sweep.AddRange(pool.Take(pool.Length - protocol.ValidationPerClass));
            validation.AddRange(pool.Skip(pool.Length - protocol.ValidationPerClass));
            var tests = split.Test.Where(t => t.Label == c);
            test.AddRange(testPerClass > 0 ? tests.Take(testPerClass) : tests);
        }
        // The evaluation splits in order of length: each evaluation batch is then cut to about its texts' own length
        // (TextRun.Trim), not to the longest of a random draw. Training batches are drawn at random anyway.
        int Length(LabelledText t) => tokenizer.Encode(t.Text, tokenCap).Count;
        validation = validation.OrderBy(Length).ToList();
        test = test.OrderBy(Length).ToList();
        var encoded = sweep.Concat(validation).Concat(test).Select(t => tokenizer.Encode(t.Text, tokenCap)).ToArray();
        var length = encoded.Max(e => e.Count);
        var offset = 0;
        LabeledImages Ids(IReadOnlyList<LabelledText> texts)
        {
            var ids = new long[texts.Count * length];
            for (var i = 0; i < texts.Count; i++)
                for (var j = 0; j < encoded[offset + i].Count; j++)
                    ids[i * length + j] = encoded[offset + i][j];   // the rest stays 0: [PAD]
            offset += texts.Count;
            return new LabeledImages(tensor(ids, new long[] { texts.Count, length }), tensor(texts.Select(t => (long)t.Label).ToArray()),
                split.ClassNames.Count, split.ClassNames);
        }
        var sweepIds = Ids(sweep);
        var validationIds = Ids(validation);
        var testIds = Ids(test);
        var labelled = sweepIds with
        {
            Images = cat(new[] { sweepIds.Images, validationIds.Images }, 0),
            Labels = cat(new[] { sweepIds.Labels, validationIds.Labels }, 0),
        };
        return new TransferData(labelled, sweepIds, validationIds, testIds, null);
    }
}
