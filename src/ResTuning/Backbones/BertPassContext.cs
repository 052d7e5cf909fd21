using System;
using System.Threading;
using static TorchSharp.torch;

namespace ResTuning.Backbones;

/// <summary>
/// The attention mask (and token types) of the <see cref="BertModel"/> pass running on this thread, shared by the model's
/// modules: BERT's layers and attentions are single-input modules (so the DSL can hook and tap them), and the mask reaches
/// them here instead of as a second argument. Per thread, so concurrent inference passes never see each other's mask.
/// </summary>
internal sealed class BertPassContext : IDisposable
{
    private readonly ThreadLocal<Pass?> current = new();

    /// <summary>The pass in progress on this thread, or null outside a <see cref="BertModel"/> forward.</summary>
    public Pass? Current => current.Value;

    /// <summary>Starts a pass; disposing the result ends it and restores the enclosing one (nested calls of one model).</summary>
    public IDisposable Enter(Tensor mask, Tensor? tokenTypes) => new Scope(this, new Pass(mask, tokenTypes));

    public void Dispose() => current.Dispose();

    /// <summary>One forward's inputs besides the token ids.</summary>
    /// <param name="Mask">Which tokens are real, bool <c>[B, T]</c>.</param>
    /// <param name="TokenTypes">Segment ids <c>[B, T]</c>, or null for all zeros.</param>
    internal sealed record Pass(Tensor Mask, Tensor? TokenTypes)
    {
        private Tensor? bias;

        /// <summary>
        /// The additive score bias over the keys, <c>[B, 1, 1, T]</c>: 0 at real tokens, the float32 minimum at padding, as HF's
        /// extended attention mask (a padded key's softmax weight underflows to exactly 0; a finite value keeps a row of padding
        /// from turning into NaN).
        /// </summary>
        public Tensor KeyBias => bias ??= zeros(Mask.shape, ScalarType.Float32, Mask.device)
            .masked_fill(Mask.logical_not(), float.MinValue).reshape(Mask.shape[0], 1, 1, Mask.shape[1]).DetachFromDisposeScope();

        public void Release()
        {
            bias?.Dispose();
            bias = null;
        }
    }

    private sealed class Scope : IDisposable
    {
        private readonly BertPassContext owner;
        private readonly Pass pass;
        private readonly Pass? outer;
        private bool done;

        public Scope(BertPassContext owner, Pass pass)
        {
            this.owner = owner;
            this.pass = pass;
            outer = owner.current.Value;
            owner.current.Value = pass;
        }

        public void Dispose()
        {
            if (done) return;
            done = true;
            owner.current.Value = outer;
            pass.Release();
        }
    }
}
