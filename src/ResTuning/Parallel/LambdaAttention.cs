using ResTuning.Operators;
using ResTuning.Tuners;

namespace ResTuning.Parallel;

/// <summary>
/// The exact unbound form of prefix/prompt tuning: each key set (the frozen keys and every tuner's)
/// is attended separately, and the results are weighted by their share λ of the softmax mass,
/// <c>λ_i = exp(lse_i − lse_all)</c>. The sum equals one softmax over all keys concatenated.
/// </summary>
internal static class LambdaAttention
{
    public static Tensor Combine(IAttentionOperator attention, Tensor x, IReadOnlyList<IAttentionTuner> tuners)
    {
        ShapeChecks.Tokens(attention.Name, x, attention.EmbedDim);
        using var scope = NewDisposeScope();
        var scale = 1.0 / Math.Sqrt(attention.HeadDim);
        var q = attention.ProjectQuery(x);
        var (k, v) = attention.ProjectKeyValue(x);

        var outputs = new List<Tensor>(tuners.Count + 1);
        var masses = new List<Tensor>(tuners.Count + 1);
        void Attend(Tensor keys, Tensor values, Tensor? bias = null)
        {
            var scores = q.matmul(keys.transpose(-2, -1)) * scale;
            if (bias is not null) scores = scores + bias.to(scores.dtype);
            masses.Add(scores.logsumexp(-1, keepdim: true));
            outputs.Add(scores.softmax(-1).matmul(values));
        }

        // Masked frozen keys (padding) get no mass in either part; the tuners' keys are always visible.
        Attend(k, v, attention.KeyBias);
        foreach (var tuner in tuners)
        {
            var (tk, tv) = tuner.KeysValues(x.shape[0]);
            Attend(tk, tv);
        }

        var total = stack(masses, 0).logsumexp(0);
        Tensor heads = outputs[0] * (masses[0] - total).exp();
        for (var i = 1; i < outputs.Count; i++)
            heads = heads + outputs[i] * (masses[i] - total).exp();
        return attention.ProjectOutput(heads, includeBias: true).MoveToOuterDisposeScope();
    }
}
