using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Onnx;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Text;
using ResTuning.TestSupport;
using ResTuning.Tuners;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.Samples.Tests;

/// <summary>
/// The text sample's encoder as its job prepares it (<see cref="TextBackbone"/>, 3 classes), and all-MiniLM-L6-v2 loaded a
/// second time on its own: the frozen weights of the hand-written references. Loaded once for the class.
/// </summary>
public sealed class TextModelsFixture : IDisposable
{
    public TextModelsFixture()
    {
        ResTuning.Native.TorchNatives.Initialize();
        Backbone = new TextBackbone(classes: 3);
        Pretrained = MiniLM.Load();
    }

    public TextBackbone Backbone { get; }

    public MiniLM Pretrained { get; }

    public void Dispose()
    {
        Backbone.Dispose();
        Pretrained.Dispose();
    }
}

/// <summary>
/// The text sample's own DSL models (Text/TextModels.cs) on the real encoder, run as the sample runs them
/// (<see cref="TextRun.Forward"/>): each sentence alone and padded in a batch gives the same logits and pooled vector, and both
/// equal the model written out in float64 (<see cref="BertReference"/>) on the unpadded sentence, with the tuners'
/// zero-initialised weights randomised first so the tuners matter.
/// </summary>
public sealed class TextModelTests(TextModelsFixture fixture, ITestOutputHelper output) : IClassFixture<TextModelsFixture>
{
    /// <summary>Real package descriptions of different lengths: in one batch, all but the longest are padded.</summary>
    private static readonly string[] Sentences =
    {
        "text editor",
        "command-line tool to convert between many image file formats",
        "fast and lightweight mail client with threading, filtering and PGP support",
    };

    private const int Width = TextBackbone.Width;

    /// <summary>Every trainable parameter random (std 0.1), so the zero-initialised up-projections and verticals matter.</summary>
    private static void Randomize(IEnumerable<Tensor> parameters, int seed)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var p in parameters) p.copy_(randn_like(p) * 0.1);
    }

    private static Tensor Logits(TextRun run, TokenBatch batch)
    {
        using var _ = no_grad();
        return run.Forward(batch.InputIds);
    }

    [Fact]
    public void Res_Tuning_prefix_and_adapter_together_equal_BERT_written_out_with_both_alone_and_padded()
    {
        using var run = Assert.IsType<TextRun>(fixture.Backbone.Prepare(TuningMethod.ResTuning, seed: 3, CPU));
        var model = Assert.IsType<MiniLMResTuning>(run.Model);
        var bert = model.Backbone;
        Randomize(run.Trainable, seed: 31);
        ResPrefix Prefix(int l) => (ResPrefix)model.Taps[$"encoder.layer.{l}.attention.self"].Tuner("prefix");
        ResAdapter Adapter(int l) => (ResAdapter)model.Taps[$"encoder.layer.{l}.ffn"].Tuner("adapter");
        Assert.Equal(8, Prefix(0).PrefixKey.shape[0]);

        // The frozen weights from the second load; the new classifier is the run's.
        var weights = fixture.Pretrained.Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        weights["classifier.weight"] = bert.Classifier!.weight!;
        weights["classifier.bias"] = bert.Classifier!.bias!;
        var reference = new BertReference(weights, Width, heads: 12, layers: 6);

        BertPaddingChecks.AssertPaddingFreeAndAsWrittenOut(fixture.Backbone.Tokenizer, Sentences, output, "MiniLMResTuning (Res-Prefix + Res-Adapter)",
            batch =>
            {
                using var _ = no_grad();
                var pooled = BertModel.MeanPool(bert.Encode(batch.InputIds, batch.AttentionMask), batch.AttentionMask);
                return (pooled, Logits(run, batch));
            },
            ids => reference.Forward(ids, new BertReference.Tuning
            {
                AttentionExtra = (l, x) => reference.ParallelAttention(l, x, BertReference.F64(Prefix(l).PrefixKey), BertReference.F64(Prefix(l).PrefixValue)),
                FfnExtra = (l, h) => BertReference.Adapter(Adapter(l), h),
            }),
            untuned: ids => reference.Forward(ids).Logits);
    }

    [Fact]
    public void Bypass_with_residual_laterals_and_the_masked_mean_head_equals_the_recurrence_written_out_alone_and_padded()
    {
        using var run = Assert.IsType<TextRun>(fixture.Backbone.Prepare(TuningMethod.Bypass, seed: 4, CPU));
        var model = Assert.IsType<MiniLMBypass>(run.Model);
        var head = Assert.IsType<MaskedMeanHead>(model.Bypass.Head);
        var taps = run.Taps!;
        var source = Assert.IsType<MaskTapSource>(taps.Source);
        Assert.Equal(source.MaskTap, taps.LastTap);
        Randomize(model.Bypass.parameters(), seed: 41);
        var reference = new BertReference(fixture.Pretrained.Model);
        var fc = (Weight: BertReference.F64(head.Fc.weight!), Bias: BertReference.F64(head.Fc.bias!));

        BertPaddingChecks.AssertPaddingFreeAndAsWrittenOut(fixture.Backbone.Tokenizer, Sentences, output, "MiniLMBypass (residual adapter laterals, adapter verticals, masked mean head)",
            batch =>
            {
                // The pooled vector from the mask-aware taps (what a tap cache holds), through the stages; the logits as the run computes them.
                using var _ = no_grad();
                var collected = source.Collect(batch.InputIds, source.MaskTap);
                var pooled = BertModel.MeanPool(model.Bypass.RunStages(collected), collected[source.MaskTap]);
                return (pooled, Logits(run, batch));
            },
            ids =>
            {
                // b_0 = x_0; b_l = x_l + A_lat(x_l) + A_vert(b_{l-1}); the mean of b_6 over the sentence's tokens (all real); fc.
                var states = reference.States(ids);
                var b = states[0];
                for (var l = 1; l < states.Count; l++)
                {
                    var stage = model.Bypass.Stages[l - 1];
                    var lateral = Assert.IsType<Residual>(stage.Lateral);
                    b = states[l] + BertReference.Adapter(lateral.Inner, states[l]) + BertReference.Adapter(stage.Vertical, b);
                }
                var pooled = b.mean(new long[] { 0 });
                return (pooled, nn.functional.linear(pooled, fc.Weight, fc.Bias));
            },
            // Without the bypass: the probe on the last layer's mean-pooled states.
            untuned: ids => nn.functional.linear(reference.States(ids)[^1].mean(new long[] { 0 }), fc.Weight, fc.Bias));
    }
}
