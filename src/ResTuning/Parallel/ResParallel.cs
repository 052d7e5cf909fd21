using ResTuning.Operators;
using ResTuning.Tuners;

namespace ResTuning.Parallel;

/// <summary>
/// Res-Tuning's parallel form: a frozen operator with tuners beside it,
/// <c>y = OP(x) + Σ_k s_k·R_k(x)</c>, every tuner reading the operator's <em>input</em>.
/// </summary>
/// <remarks>
/// Submodules: <c>op</c> (the frozen operator), <c>tuners.{name}</c> and <c>scales.{name}</c>, so a
/// state dict reads like <c>op.weight</c>, <c>tuners.lora.lora_A</c>, <c>scales.lora.scale</c>.
/// </remarks>
public sealed class ResParallel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> op;
    private readonly ModuleGroup tuners = new("tuners");
    private readonly ModuleGroup scales = new("scales");
    private readonly List<Branch> branches = new();
    private readonly HashSet<string> merged = new(StringComparer.Ordinal);
    // While merged: the operator's weight before the first merge (so unmerging restores it bit for bit) and a copy of
    // each merged tuner's parameters (a change to them while merged would otherwise silently have no effect).
    private Tensor? weightBeforeMerge;
    private readonly List<(Branch Branch, string Parameter, Tensor Copy)> mergedCopies = new();

    private sealed record Branch(string Name, nn.Module<Tensor, Tensor> Tuner, TunerScale Scale);

    /// <summary>Wraps <paramref name="op"/>.</summary>
    /// <param name="op">The operator the tuners run beside (an attention, an MLP, a block, a linear layer).</param>
    /// <param name="freezeOperator">Turn off gradients of every parameter of <paramref name="op"/> (the default).</param>
    /// <param name="name">Module name used in messages, e.g. the tap path.</param>
    public ResParallel(nn.Module<Tensor, Tensor> op, bool freezeOperator = true, string name = "res_parallel") : base(name)
    {
        this.op = op ?? throw new ArgumentNullException(nameof(op));
        if (freezeOperator)
            foreach (var p in op.parameters()) p.requires_grad = false;
        register_module("op", op);
        register_module("tuners", tuners);
        register_module("scales", scales);
    }

    /// <summary>The frozen operator.</summary>
    public nn.Module<Tensor, Tensor> Operator => op;

    /// <summary>Names of the attached tuners, in the order they were added.</summary>
    public IReadOnlyList<string> TunerNames => branches.Select(b => b.Name).ToArray();

    /// <summary>Names of the tuners currently merged into the operator's weight.</summary>
    public IReadOnlyCollection<string> MergedTuners => merged.ToArray();

    /// <summary>True while some LoRA branch is merged into the operator's weight.</summary>
    public bool IsMerged => merged.Count > 0;

    /// <summary>
    /// Names of the tuners that cannot be merged into a weight (anything but a <see cref="LoRA"/> on a <see cref="Linear"/>,
    /// a <see cref="ConvLoRA"/> on a <see cref="Conv2d"/> or a <see cref="DoRA"/> on its own Linear).
    /// </summary>
    public IReadOnlyList<string> UnmergeableTuners => branches.Where(b => !IsMergeable(b)).Select(b => b.Name).ToArray();

    private bool IsMergeable(Branch branch) => branch.Tuner switch
    {
        LoRA => op is Linear,
        ConvLoRA => op is Conv2d,
        DoRA dora => ReferenceEquals(dora.Linear, op),
        _ => false,
    };

    /// <summary>Whether the branch is one of the LoRA kinds, which <see cref="Merge"/> folds into the weight.</summary>
    private static bool IsLoRA(Branch branch) => branch.Tuner is LoRA or ConvLoRA or DoRA;

    /// <summary>The tuner attached under <paramref name="name"/>.</summary>
    public nn.Module<Tensor, Tensor> Tuner(string name) => Find(name).Tuner;

    /// <summary>The scale of the tuner attached under <paramref name="name"/>.</summary>
    public TunerScale Scale(string name) => Find(name).Scale;

    /// <summary>Attaches a tuner beside the operator.</summary>
    /// <param name="name">Unique name of the branch (letters, digits, underscores).</param>
    /// <param name="tuner">Any module computing R(x) from the operator's input.</param>
    /// <param name="scale">Its scale; <see cref="TunerScale.Fixed"/>(1) when omitted.</param>
    /// <returns>This wrapper, for chaining.</returns>
    public ResParallel Add(string name, nn.Module<Tensor, Tensor> tuner, TunerScale? scale = null)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsLetterOrDigit(c) || c == '_')))
            throw new ArgumentException($"'{GetName()}': tuner name '{name}' must be letters, digits or underscores.", nameof(name));
        if (branches.Any(b => b.Name == name))
            throw new ArgumentException($"'{GetName()}' already has a tuner named '{name}'; give each tuner on one operator its own name.", nameof(name));
        if (tuner is null) throw new ArgumentNullException(nameof(tuner));
        scale ??= TunerScale.Fixed();
        if (scale.Kind == TunerScaleKind.LearnedPerChannel && op is Conv2d)
            throw new ArgumentException($"'{GetName()}': a per-channel scale multiplies the last axis, which on a Conv2d's [N, C, H, W] output is the width, not the channels; give '{name}' a fixed or learned scalar scale.", nameof(scale));
        if (tuner is DoRA dora && !ReferenceEquals(dora.Linear, op))
            throw new ArgumentException($"'{GetName()}': DoRA '{name}' reads the weight of the Linear it was built on ('{dora.Linear.GetName()}'), not of this {op.GetType().Name}; build it on the operator it runs beside.", nameof(tuner));
        if (scale.Kind == TunerScaleKind.Lambda)
        {
            if (tuner is not IAttentionTuner attentionTuner || op is not IAttentionOperator)
                throw new ArgumentException($"'{GetName()}': a λ scale needs a Res-Prefix or Res-Prompt tuner on an attention operator (IAttentionOperator); '{name}' is {tuner.GetType().Name} on {op.GetType().Name}.", nameof(scale));
            if (!ReferenceEquals(attentionTuner.Attention, op))
                throw new ArgumentException($"'{GetName()}': tuner '{name}' queries a different attention than the one it is attached to.", nameof(tuner));
        }

        tuners.Add(name, tuner);
        scales.Add(name, scale);
        branches.Add(new Branch(name, tuner, scale));
        return this;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Tune(x, null);

    /// <summary>
    /// Computes <c>OP(x) + Σ s_k·R_k(x)</c> reusing an already computed <paramref name="operatorOutput"/>
    /// (a forward hook's view of the operator); the operator runs when it is null. With λ-scaled tuners
    /// the frozen branch is recomputed λ-weighted and <paramref name="operatorOutput"/> is not used.
    /// </summary>
    /// <param name="x">The operator's input.</param>
    /// <param name="operatorOutput">The operator's own output for <paramref name="x"/>, or null.</param>
    /// <returns>The tuned output.</returns>
    public Tensor Tune(Tensor x, Tensor? operatorOutput)
    {
        var lambdaTuners = branches.Where(b => b.Scale.Kind == TunerScaleKind.Lambda).Select(b => (IAttentionTuner)b.Tuner).ToList();
        var y = lambdaTuners.Count > 0
            ? LambdaAttention.Combine((IAttentionOperator)op, x, lambdaTuners)
            : operatorOutput ?? op.call(x);

        foreach (var branch in branches)
        {
            if (branch.Scale.Kind == TunerScaleKind.Lambda || merged.Contains(branch.Name)) continue;
            var r = branch.Tuner.call(x);
            if (!r.shape.SequenceEqual(y.shape))
                throw new TunerShapeException($"{GetName()}.tuners.{branch.Name}", "output", y.shape, r.shape,
                    "A parallel tuner must produce the operator's output shape; give it the operator's output width.");
            y = y.add(branch.Scale.call(r));
        }
        return y;
    }

    /// <summary>
    /// Merges every LoRA branch into the frozen linear's or convolution's weight (<c>W += s·(α/r)·B·A</c>; a DoRA branch
    /// adds <c>s·(W' − W)</c>, <c>W'</c> its decomposed weight) so inference runs without the extra matmuls. Other tuners stay parallel branches. The weight before merging is kept, so
    /// <see cref="Unmerge"/> restores it exactly; while merged, <see cref="EnsureMergedTunersUnchanged"/> detects
    /// edits to the merged tuners.
    /// </summary>
    /// <returns>The names of the branches merged by this call.</returns>
    /// <exception cref="InvalidOperationException">A LoRA branch sits on an operator it cannot merge into (a <see cref="LoRA"/> needs a <see cref="Linear"/>, a <see cref="ConvLoRA"/> a <see cref="Conv2d"/>, a <see cref="DoRA"/> the Linear it was built on); nothing is merged then.</exception>
    public IReadOnlyList<string> Merge() => MergeBranches(keepOriginal: true);

    /// <summary>Merges for good (no copy of the original weight is kept): the step before the hooks are removed.</summary>
    internal IReadOnlyList<string> MergeForGood()
    {
        var done = MergeBranches(keepOriginal: false);
        DropMergeCopies();
        merged.Clear();
        return done;
    }

    private IReadOnlyList<string> MergeBranches(bool keepOriginal)
    {
        var done = new List<string>();
        var pending = branches.Where(b => IsLoRA(b) && !merged.Contains(b.Name)).ToList();
        if (pending.Count == 0) return done;
        // A DoRA's update depends on the weight itself: every update is computed from the unmerged weight before any is added.
        var deltas = new List<Tensor>();
        using (no_grad())
        {
            foreach (var branch in pending)
            {
                var w = RequireWeight(branch);
                deltas.Add(Delta(branch, w, weightBeforeMerge ?? w).DetachFromDisposeScope());
            }
        }
        for (var i = 0; i < pending.Count; i++)
        {
            var branch = pending[i];
            var weight = RequireWeight(branch);
            using (no_grad())
            {
                if (keepOriginal) weightBeforeMerge ??= weight.detach().clone().DetachFromDisposeScope();
                weight.add_(deltas[i]);
                deltas[i].Dispose();
                if (keepOriginal)
                {
                    foreach (var (name, p) in MergedParameters(branch))
                        mergedCopies.Add((branch, name, p.detach().clone().DetachFromDisposeScope()));
                }
            }
            merged.Add(branch.Name);
            done.Add(branch.Name);
        }
        return done;
    }

    /// <summary>Undoes <see cref="Merge"/>: the frozen weight gets back its exact value from before merging.</summary>
    /// <returns>The names of the branches unmerged by this call.</returns>
    public IReadOnlyList<string> Unmerge()
    {
        var done = branches.Where(b => merged.Contains(b.Name)).Select(b => b.Name).ToList();
        if (done.Count == 0) return done;
        var weight = RequireWeight(branches.First(b => merged.Contains(b.Name)));
        using (no_grad())
            weight.copy_(weightBeforeMerge!);
        DropMergeCopies();
        merged.Clear();
        return done;
    }

    /// <summary>
    /// Throws when a merged tuner's parameters (or learned scale) changed since <see cref="Merge"/>: the merged weight
    /// still holds the old update, so the change would silently have no effect.
    /// </summary>
    /// <exception cref="InvalidOperationException">Names the tap and the tuner that changed.</exception>
    public void EnsureMergedTunersUnchanged()
    {
        if (mergedCopies.Count == 0) return;
        // One device synchronisation for all merged parameters; the names are only looked up on the error path.
        bool same;
        using (no_grad())
        using (var scope = NewDisposeScope())
            same = stack(mergedCopies.Select(Unchanged).ToArray()).all().item<bool>();
        if (same) return;
        string[] changed;
        using (no_grad())
        using (var scope = NewDisposeScope())
            changed = mergedCopies.Where(c => !Unchanged(c).item<bool>()).Select(c => c.Branch.Name).Distinct().ToArray();
        throw new InvalidOperationException(
            $"'{GetName()}': the weights of the merged tuner(s) {string.Join(", ", changed.Select(n => $"'{n}'"))} changed while merged; the merged " +
            "weight still holds the old update, so the change would have no effect. Call Unmerge() before training or loading tuner weights, then Merge() again.");
    }

    // Looked up by name on every check: moving a module to another device replaces its parameter objects.
    private static IEnumerable<(string Name, Tensor Parameter)> MergedParameters(Branch branch) =>
        branch.Tuner.named_parameters().Select(p => ("tuner." + p.name, (Tensor)p.parameter))
            .Concat(branch.Scale.named_parameters().Select(p => ("scale." + p.name, (Tensor)p.parameter)));

    private static Tensor Unchanged((Branch Branch, string Parameter, Tensor Copy) copy)
    {
        var current = MergedParameters(copy.Branch).First(p => p.Name == copy.Parameter).Parameter;
        return current.eq(copy.Copy.to(current.device)).all();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) DropMergeCopies();
        base.Dispose(disposing);
    }

    /// <summary>Frees the copies kept while merged without restoring anything (the owner is being disposed).</summary>
    internal void DropMergeCopies()
    {
        weightBeforeMerge?.Dispose();
        weightBeforeMerge = null;
        foreach (var (_, _, copy) in mergedCopies) copy.Dispose();
        mergedCopies.Clear();
    }

    // A conv weight [out, in, kh, kw] takes a scalar factor only (per-channel scales are refused on convolutions in Add).
    // A DoRA's update is computed from the unmerged weight (w holds it unless an earlier Merge changed it).
    private static Tensor Delta(Branch branch, Tensor w, Tensor unmerged)
    {
        var delta = branch.Tuner switch
        {
            ConvLoRA conv => conv.DeltaWeight(),
            DoRA dora => dora.DeltaWeight(unmerged),
            _ => ((LoRA)branch.Tuner).DeltaWeight(),
        };
        return delta.to(w.dtype, w.device) * branch.Scale.AsRowFactor(w.device, w.dtype);
    }

    /// <summary>The frozen weight a LoRA branch merges into: a Linear's for a <see cref="LoRA"/>, a Conv2d's for a <see cref="ConvLoRA"/>.</summary>
    private Tensor RequireWeight(Branch branch) => IsMergeable(branch)
        ? (op is Linear linear ? linear.weight! : ((Conv2d)op).weight!)
        : throw new InvalidOperationException(branch.Tuner is DoRA
            ? $"'{GetName()}': DoRA branch '{branch.Name}' can only be merged into the Linear it was built on, not {op.GetType().Name}."
            : $"'{GetName()}': LoRA branch '{branch.Name}' can only be merged into a {(branch.Tuner is ConvLoRA ? "Conv2d" : "Linear")} operator, not {op.GetType().Name}.");

    private Branch Find(string name) => branches.FirstOrDefault(b => b.Name == name)
        ?? throw new KeyNotFoundException($"'{GetName()}' has no tuner named '{name}'. Attached: {string.Join(", ", branches.Select(b => b.Name))}.");
}
