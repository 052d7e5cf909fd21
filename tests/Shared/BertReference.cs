using ResTuning.Backbones;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.TestSupport;

/// <summary>
/// BERT written out with functional float64 operations on one unpadded sentence at a time (so no mask is involved): the
/// reference the DSL models on the runtime's <see cref="BertModel"/>, the text sample's models and loaded Hugging Face
/// checkpoints are compared with. Tuners enter through the hooks of <see cref="Tuning"/>, each written out by the test from
/// the tuner's own parameters (<see cref="Adapter"/>, <see cref="LoRA"/>, <see cref="ParallelAttention"/>).
/// Shared by tests/ResTuning.Tests, tests/ResTuning.Generators.Tests and tests/ResTuning.Samples.Tests.
/// </summary>
public sealed class BertReference
{
    private readonly Dictionary<string, Tensor> w;
    private readonly long width;
    private readonly long heads;

    /// <summary>The reference over <paramref name="bert"/>'s current weights.</summary>
    public BertReference(BertModel bert)
        : this(bert.state_dict(), bert.Config.HiddenSize, bert.Config.NumHeads, bert.Config.NumLayers)
    {
    }

    /// <summary>The reference over tensors with <c>BertModel</c>'s (Hugging Face's, <c>bert.</c> stripped) names.</summary>
    public BertReference(IReadOnlyDictionary<string, Tensor> weights, long width, long heads, int layers)
    {
        w = weights.ToDictionary(kv => kv.Key, kv => kv.Value.detach().to(ScalarType.Float64));
        this.width = width;
        this.heads = heads;
        Layers = layers;
    }

    public int Layers { get; }

    /// <summary>Where tuners change the computation of layer l (all optional; each returns float64 [T, D] or rows [L, D]).</summary>
    public sealed record Tuning
    {
        /// <summary>(layer, x) → added to the queries (LoRA on query).</summary>
        public Func<int, Tensor, Tensor>? QueryDelta { get; init; }

        /// <summary>(layer, x) → added to the values (LoRA on value).</summary>
        public Func<int, Tensor, Tensor>? ValueDelta { get; init; }

        /// <summary>layer → extra keys and values put in front of the frozen ones (bound prefix or prompt tuning).</summary>
        public Func<int, (Tensor Keys, Tensor Values)>? BoundKeys { get; init; }

        /// <summary>(layer, x) → added to the attention's projected output (parallel Res-Prefix/Res-Prompt).</summary>
        public Func<int, Tensor, Tensor>? AttentionExtra { get; init; }

        /// <summary>(layer, h) → added to the feed-forward output (parallel Res-Adapter).</summary>
        public Func<int, Tensor, Tensor>? FfnExtra { get; init; }
    }

    public Tensor Weight(string name) => w[name];

    public Tensor Linear(Tensor x, string prefix) => x.matmul(w[prefix + ".weight"].t()) + w[prefix + ".bias"];

    private Tensor Norm(Tensor x, string prefix) =>
        nn.functional.layer_norm(x, new[] { width }, w[prefix + ".weight"], w[prefix + ".bias"], 1e-12);

    /// <summary>Softmax attention of queries [T, D] over keys and values [S, D], head by head; [T, D] before the output projection.</summary>
    public Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        var headDim = width / heads;
        Tensor Heads(Tensor t) => t.reshape(t.shape[0], heads, headDim).transpose(0, 1);
        var scores = Heads(q).matmul(Heads(k).transpose(1, 2)) / Math.Sqrt(headDim);
        return scores.softmax(-1).matmul(Heads(v)).transpose(0, 1).reshape(q.shape[0], width);
    }

    /// <summary>x_0 (the embeddings) and the output of every layer, [T, D] each, for one sentence's ids.</summary>
    public List<Tensor> States(long[] ids, Tuning? tuning = null)
    {
        tuning ??= new Tuning();
        var t = ids.Length;
        var x = w["embeddings.word_embeddings.weight"].index_select(0, tensor(ids))
                + w["embeddings.position_embeddings.weight"].narrow(0, 0, t)
                + w["embeddings.token_type_embeddings.weight"][0];
        x = Norm(x, "embeddings.LayerNorm");
        var states = new List<Tensor> { x };
        for (var l = 0; l < Layers; l++)
        {
            var p = $"encoder.layer.{l}.";
            var q = Linear(x, p + "attention.self.query");
            var k = Linear(x, p + "attention.self.key");
            var v = Linear(x, p + "attention.self.value");
            if (tuning.QueryDelta is { } dq) q = q + dq(l, x);
            if (tuning.ValueDelta is { } dv) v = v + dv(l, x);
            if (tuning.BoundKeys is { } bound)
            {
                var (pk, pv) = bound(l);
                k = cat(new[] { pk, k }, 0);
                v = cat(new[] { pv, v }, 0);
            }
            var attended = Linear(Attend(q, k, v), p + "attention.output.dense");
            if (tuning.AttentionExtra is { } extra) attended = attended + extra(l, x);
            var h = Norm(attended + x, p + "attention.output.LayerNorm");
            var f = Linear(nn.functional.gelu(Linear(h, p + "intermediate.dense")), p + "output.dense");
            if (tuning.FfnExtra is { } ffn) f = f + ffn(l, h);
            x = Norm(f + h, p + "output.LayerNorm");
            states.Add(x);
        }
        return states;
    }

    /// <summary>The mean-pooled embedding [D] and the classifier's logits of one sentence.</summary>
    public (Tensor Embedding, Tensor Logits) Forward(long[] ids, Tuning? tuning = null)
    {
        var embedding = States(ids, tuning)[^1].mean(new long[] { 0 });
        return (embedding, Linear(embedding, "classifier"));
    }

    /// <summary>HF's pooler on one sentence's last states [T, D]: tanh(dense(x[CLS])) [D].</summary>
    public Tensor Pooler(Tensor states) => Linear(states[0], "pooler.dense").tanh();

    /// <summary>A float64 copy, detached.</summary>
    public static Tensor F64(Tensor t) => t.detach().to(ScalarType.Float64);

    /// <summary>The largest absolute difference, in float64.</summary>
    public static double MaxDiff(Tensor a, Tensor b) => (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().ToDouble();

    /// <summary>A Res-Adapter written out: up(gelu(down(x))), from the tuner's own parameters in float64.</summary>
    public static Tensor Adapter(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        var a = (ResAdapter)module;
        return nn.functional.linear(nn.functional.gelu(nn.functional.linear(x, F64(a.Down.weight!), F64(a.Down.bias!))), F64(a.Up.weight!), F64(a.Up.bias!));
    }

    /// <summary>A LoRA branch written out: x Aᵀ Bᵀ · α / r.</summary>
    public static Tensor LoRA(nn.Module<Tensor, Tensor> module, Tensor x)
    {
        var lora = (LoRA)module;
        return x.matmul(F64(lora.A).t()).matmul(F64(lora.B).t()) * lora.Scaling;
    }

    /// <summary>
    /// Attention of layer <paramref name="layer"/>'s frozen queries over extra keys and values, through the output projection
    /// without its bias: a parallel Res-Prefix/Res-Prompt.
    /// </summary>
    public Tensor ParallelAttention(int layer, Tensor x, Tensor keys, Tensor values)
    {
        var q = Linear(x, $"encoder.layer.{layer}.attention.self.query");
        return Attend(q, keys, values).matmul(Weight($"encoder.layer.{layer}.attention.output.dense.weight").t());
    }
}
