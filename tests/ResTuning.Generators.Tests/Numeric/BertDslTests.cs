using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Onnx;
using ResTuning.Parallel;
using ResTuning.Tuners;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>The pretrained MiniLM encoder with a new 3-class classifier, loaded once for the class (90 MB of weights).</summary>
public sealed class MiniLMBackboneFixture : IDisposable
{
    public MiniLMBackboneFixture()
    {
        ResTuning.Native.TorchNatives.Initialize();
        manual_seed(23);
        MiniLM = ResTuning.Onnx.MiniLM.Load(ResTuning.Onnx.MiniLM.DefaultAssemblyPath, classes: 3);
        Reference = new BertReference(MiniLM.Model);
    }

    public MiniLM MiniLM { get; }

    public BertReference Reference { get; }

    public void Dispose() => MiniLM.Dispose();
}

/// <summary>
/// Every tuner of the DSL on the real encoder (all-MiniLM-L6-v2): each generated model against BERT written out by hand in
/// float64 on each sentence alone (<see cref="BertReference"/>, no padding anywhere), and the same sentence alone and padded in
/// a batch giving the same embedding and logits (padding never leaks, prefixes and prompts masked correctly).
/// </summary>
public sealed class BertDslTests(MiniLMBackboneFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLMBackboneFixture>
{
    private const double PaddingTolerance = BertPaddingChecks.PaddingTolerance;

    /// <summary>Real sentences of different lengths: in one batch, all but the longest are padded.</summary>
    private static readonly string[] Sentences =
    {
        "A cat sleeps.",
        "The committee postponed its decision until the budget figures for next year were published.",
        "Small tuners on a frozen encoder train fast, and one pass serves every task.",
    };

    private BertModel Backbone => fixture.MiniLM.Model;

    private BertReference Reference => fixture.Reference;

    private static Tensor F64(Tensor t) => BertReference.F64(t);

    private static double MaxDiff(Tensor a, Tensor b) => BertReference.MaxDiff(a, b);

    private static Tensor Adapter(nn.Module<Tensor, Tensor> module, Tensor x) => BertReference.Adapter(module, x);

    private static Tensor LoRA(nn.Module<Tensor, Tensor> module, Tensor x) => BertReference.LoRA(module, x);

    private static string Self(int layer) => $"encoder.layer.{layer}.attention.self";

    private Tensor ParallelAttention(int layer, Tensor x, Tensor keys, Tensor values) => Reference.ParallelAttention(layer, x, keys, values);

    /// <summary>The prompt through the frozen key and value projections (with their biases).</summary>
    private (Tensor Keys, Tensor Values) PromptKeys(int layer, ResPrompt prompt) =>
        (Reference.Linear(F64(prompt.Prompt), Self(layer) + ".key"), Reference.Linear(F64(prompt.Prompt), Self(layer) + ".value"));

    private static (Tensor? Embedding, Tensor Logits) RunParallel(ParallelModel<BertModel> model, TokenBatch batch)
    {
        using var _ = no_grad();
        var states = model.Backbone.Encode(batch.InputIds, batch.AttentionMask);
        return (BertModel.MeanPool(states, batch.AttentionMask), model.call(batch.InputIds));
    }

    /// <summary>
    /// <see cref="BertPaddingChecks.AssertPaddingFreeAndAsWrittenOut"/> on <see cref="Sentences"/>; with <paramref name="frozen"/>,
    /// the tuners must also change the logits of the frozen encoder's reference.
    /// </summary>
    private void AssertPaddingFreeAndAsWrittenOut(string method, Func<TokenBatch, (Tensor? Embedding, Tensor Logits)> run,
        Func<long[], (Tensor? Embedding, Tensor Logits)> reference, bool frozen = true) =>
        BertPaddingChecks.AssertPaddingFreeAndAsWrittenOut(fixture.MiniLM.Tokenizer, Sentences, output, method, run, reference,
            frozen ? ids => Reference.Forward(ids).Logits : null);

    [Fact]
    public void Res_Adapter_beside_every_feed_forward_block()
    {
        using var model = new BertAdapterTuned(Backbone);
        model.eval();
        Assert.Equal(6, model.Taps.Taps.Count);
        AssertPaddingFreeAndAsWrittenOut("Res-Adapter on encoder.layer.*.ffn", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning { FfnExtra = (l, h) => Adapter(model.Taps[$"encoder.layer.{l}.ffn"].Tuner("adapter"), h) }));

        // Training reaches the adapters and the classifier only; the FFN view holds no weights, so the state dict is HF's.
        model.train();
        using (var batch = fixture.MiniLM.Tokenizer.EncodeBatch(Sentences)) model.call(batch.InputIds).sum().backward();
        Assert.All(model.Taps["encoder.layer.3.ffn"].Tuner("adapter").parameters(), p => Assert.NotNull(p.grad));
        Assert.NotNull(Backbone.Classifier!.weight!.grad);
        Assert.All(Backbone.Encoder.parameters(), p => Assert.Null(p.grad));
        Assert.DoesNotContain(Backbone.state_dict().Keys, k => k.Contains(".ffn.", StringComparison.Ordinal));
        Backbone.zero_grad();
    }

    [Fact]
    public void Res_Prefix_beside_every_self_attention()
    {
        using var model = new BertPrefixTuned(Backbone);
        model.eval();
        ResPrefix Prefix(int l) => (ResPrefix)model.Taps[Self(l)].Tuner("prefix");
        AssertPaddingFreeAndAsWrittenOut("Res-Prefix on encoder.layer.*.attention.self", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning { AttentionExtra = (l, x) => ParallelAttention(l, x, F64(Prefix(l).PrefixKey), F64(Prefix(l).PrefixValue)) }));
    }

    [Fact]
    public void Res_Prefix_in_lambda_form_equals_prefix_tuning_with_the_prefix_always_visible_and_padding_never()
    {
        using var model = new BertPrefixLambda(Backbone);
        model.eval();
        ResPrefix Prefix(int l) => (ResPrefix)model.Taps[Self(l)].Tuner("prefix");
        // The bound form: prefix keys and values in front of the sentence's own, in one softmax.
        AssertPaddingFreeAndAsWrittenOut("Res-Prefix, λ form, vs bound prefix tuning", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning { BoundKeys = l => (F64(Prefix(l).PrefixKey), F64(Prefix(l).PrefixValue)) }));

        // Gradients too: the padded batch through the model against the bound form on each sentence alone (the prefixes
        // enter the reference as float64 views of the same parameters, so autograd reaches them from both sides).
        using var scope = NewDisposeScope();
        using var batch = fixture.MiniLM.Tokenizer.EncodeBatch(Sentences);
        var prefixes = Enumerable.Range(0, 6).SelectMany(l => new[] { Prefix(l).PrefixKey, Prefix(l).PrefixValue }).ToArray();
        model.call(batch.InputIds).sum().backward();
        var generated = prefixes.Select(p => p.grad!.clone()).ToArray();
        foreach (var p in prefixes) p.grad!.zero_();
        var bound = new BertReference.Tuning { BoundKeys = l => (Prefix(l).PrefixKey.to(ScalarType.Float64), Prefix(l).PrefixValue.to(ScalarType.Float64)) };
        foreach (var sentence in Sentences)
        {
            using var alone = fixture.MiniLM.Tokenizer.EncodeBatch(new[] { sentence });
            Reference.Forward(alone.InputIds[0].data<long>().ToArray(), bound).Logits.sum().backward();
        }
        var worst = prefixes.Select((p, i) => MaxDiff(generated[i], p.grad!) / MaxDiff(p.grad!, zeros_like(p.grad!))).Max();
        output.WriteLine($"λ prefix gradients vs the bound form: max relative |diff| {worst:G3}");
        Assert.True(worst < 1e-3, $"gradients differ by {worst} (relative)");
        Assert.All(Backbone.parameters(), p => Assert.Null(p.grad));
        foreach (var p in prefixes) p.grad = null;
    }

    [Fact]
    public void Res_Prompt_beside_every_self_attention_with_a_learned_scale()
    {
        using var model = new BertPromptTuned(Backbone);
        model.eval();
        ResPrompt Prompt(int l) => (ResPrompt)model.Taps[Self(l)].Tuner("prompt");
        double Scale(int l) => model.Taps[Self(l)].Scale("prompt").Parameter!.ToDouble();
        Assert.Equal(0.5, Scale(0));
        AssertPaddingFreeAndAsWrittenOut("Res-Prompt on encoder.layer.*.attention.self", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning
            {
                AttentionExtra = (l, x) =>
                {
                    var (keys, values) = PromptKeys(l, Prompt(l));
                    return ParallelAttention(l, x, keys, values) * Scale(l);
                },
            }));
    }

    [Fact]
    public void Res_Prompt_in_lambda_form_equals_deep_prompt_tuning()
    {
        using var model = new BertPromptLambda(Backbone);
        model.eval();
        // The bound form (VPT-deep at every layer): the prompts' keys and values in front, read at the sentence's tokens.
        AssertPaddingFreeAndAsWrittenOut("Res-Prompt, λ form, vs bound prompt tuning", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning { BoundKeys = l => PromptKeys(l, (ResPrompt)model.Taps[Self(l)].Tuner("prompt")) }));
    }

    [Fact]
    public void LoRA_on_query_and_value_runs_and_merges_exactly()
    {
        using var model = new BertLoRATuned(Backbone);
        model.eval();
        Assert.Equal(12, model.Taps.Taps.Count);
        AssertPaddingFreeAndAsWrittenOut("LoRA on attention.self.query/value", b => RunParallel(model, b),
            ids => Reference.Forward(ids, new BertReference.Tuning
            {
                QueryDelta = (l, x) => LoRA(model.Taps[Self(l) + ".query"].Tuner("lora"), x),
                ValueDelta = (l, x) => LoRA(model.Taps[Self(l) + ".value"].Tuner("lora"), x),
            }));

        using var scope = NewDisposeScope();
        using var batch = fixture.MiniLM.Tokenizer.EncodeBatch(Sentences);
        var query = Backbone.Encoder.Layer[2].Attention.Self.Query.weight!;
        var before = query.detach().clone();
        var (_, unmerged) = RunParallel(model, batch);
        Assert.Equal(12, model.Merge().Count);
        Assert.False(query.equal(before).all().item<bool>());
        var (_, merged) = RunParallel(model, batch);
        var diff = MaxDiff(merged, unmerged);
        output.WriteLine($"LoRA merged vs unmerged logits: max |diff| {diff:G3}");
        Assert.True(diff <= PaddingTolerance, $"merged {diff}");
        model.Unmerge();
        Assert.True(query.equal(before).all().item<bool>());
    }

    /// <summary>Gives every bypass parameter a random value, so zero-initialised projections matter too.</summary>
    private static void Randomize(nn.Module bypass)
    {
        using var _ = no_grad();
        foreach (var p in bypass.parameters()) p.copy_(randn_like(p) * 0.1);
    }

    /// <summary>The bypass recurrence over the written-out frozen states, and its [CLS] head: the pooled vector (the normalised [CLS] token of b_L) and the logits.</summary>
    private (Tensor? Embedding, Tensor Logits) BypassByHand(ResTuningBypass bypass, long[] ids, Func<BypassStage, Tensor, Tensor, Tensor> step)
    {
        var states = Reference.States(ids);
        var b = states[0];
        for (var l = 1; l < states.Count; l++) b = step(bypass.Stages[l - 1], states[l], b);
        var head = (ClassTokenHead)bypass.Head!;
        var pooled = nn.functional.layer_norm(b, new long[] { 384 }, F64(head.Norm.weight!), F64(head.Norm.bias!), 1e-6)[0];
        return (pooled, nn.functional.linear(pooled, F64(head.Fc.weight!), F64(head.Fc.bias!)));
    }

    /// <summary>
    /// A bypass's pooled vector on <paramref name="batch"/> (its taps through its stages, the [CLS] token of its head's norm)
    /// next to the <paramref name="logits"/> the model computed.
    /// </summary>
    private static (Tensor? Embedding, Tensor Logits) WithPooled(ResTuningBypass bypass, TokenBatch batch, Tensor logits)
    {
        using var _ = no_grad();
        var taps = bypass.Source.Collect(batch.InputIds, bypass.LastTap);
        var pooled = ((ClassTokenHead)bypass.Head!).Norm.call(bypass.RunStages(taps)).select(1, 0);
        return (pooled, logits);
    }

    [Fact]
    public void Bypass_over_the_six_layers_equals_the_hand_written_recurrence()
    {
        using var model = new BertBypass(Backbone);
        Randomize(model.Bypass);
        Assert.Equal(new[] { "embeddings" }.Concat(Enumerable.Range(0, 6).Select(i => $"encoder.layer.{i}")), model.Source.TapNames);
        AssertPaddingFreeAndAsWrittenOut("Bypass (adapters) over encoder.layer.*", b => WithPooled(model.Bypass, b, model.call(b.InputIds)),
            ids => BypassByHand(model.Bypass, ids, (stage, x, b) => Adapter(stage.Lateral, x) + Adapter(stage.Vertical, b)), frozen: false);

        // Gradients reach the bypass and its head only.
        using (var batch = fixture.MiniLM.Tokenizer.EncodeBatch(Sentences)) model.call(batch.InputIds).sum().backward();
        Assert.All(model.Bypass.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(Backbone.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Multi_task_group_runs_the_encoder_once_and_equals_each_task()
    {
        using var group = new BertTasks(Backbone);
        Randomize(group.BertBypass.Bypass);
        Randomize(group.BertBypassTwo.Bypass);
        var passes = 0;
        var counter = Backbone.Embeddings.register_forward_hook((_, _, result) =>
        {
            passes++;
            return result;
        });
        using var scope = NewDisposeScope();
        using var batch = fixture.MiniLM.Tokenizer.EncodeBatch(Sentences);
        Tensor[] all;
        using (no_grad()) all = group.ForwardAll(batch.InputIds);
        counter.remove();
        Assert.Equal(1, passes);
        Assert.Equal(new long[] { 3, 3 }, all[0].shape);
        Assert.Equal(new long[] { 3, 2 }, all[1].shape);
        using (no_grad())
        {
            Assert.True(MaxDiff(all[0], group.BertBypass.call(batch.InputIds)) < 1e-6);
            Assert.True(MaxDiff(all[1], group.BertBypassTwo.call(batch.InputIds)) < 1e-6);
        }
        // Each task alone vs padded and against its recurrence written out: the logits from one pass of the group, the pooled vectors.
        AssertPaddingFreeAndAsWrittenOut("Multi-task, first task (adapters)", b =>
            {
                using var _ = no_grad();
                return WithPooled(group.BertBypass.Bypass, b, group.ForwardAll(b.InputIds)[0]);
            },
            ids => BypassByHand(group.BertBypass.Bypass, ids, (stage, x, b) => Adapter(stage.Lateral, x) + Adapter(stage.Vertical, b)), frozen: false);
        AssertPaddingFreeAndAsWrittenOut("Multi-task, second task (LoRA laterals)", b =>
            {
                using var _ = no_grad();
                return WithPooled(group.BertBypassTwo.Bypass, b, group.ForwardAll(b.InputIds)[1]);
            },
            ids => BypassByHand(group.BertBypassTwo.Bypass, ids, (stage, x, b) => LoRA(stage.Lateral, x) + b), frozen: false);
    }
}
