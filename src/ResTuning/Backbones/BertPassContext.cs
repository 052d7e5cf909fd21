using System.Threading;

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
    internal sealed class Pass(Tensor mask, Tensor? tokenTypes)
    {
        private Tensor? bias;

        /// <summary>Which tokens are real, bool <c>[B, T]</c>.</summary>
        public Tensor Mask => mask;

        /// <summary>Segment ids <c>[B, T]</c>, or null for all zeros.</summary>
        public Tensor? TokenTypes => tokenTypes;

        /// <summary>
        /// The additive score bias over the keys, <c>[B, 1, 1, T]</c>: 0 at real tokens, the float32 minimum at padding, as HF's
        /// extended attention mask (a padded key's softmax weight underflows to exactly 0; a finite value keeps a row of padding
        /// from turning into NaN). Made on first use and freed when the pass ends.
        /// </summary>
        public Tensor KeyBias => bias ??= zeros(mask.shape, ScalarType.Float32, mask.device)
            .masked_fill(mask.logical_not(), float.MinValue).reshape(mask.shape[0], 1, 1, mask.shape[1]).DetachFromDisposeScope();

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
