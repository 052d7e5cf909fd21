using System;
using System.Collections.Generic;
using System.Linq;
using ResTuning.Operators;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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
        if (scale.Kind == ScaleKind.Lambda)
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
        var lambdaTuners = branches.Where(b => b.Scale.Kind == ScaleKind.Lambda).Select(b => (IAttentionTuner)b.Tuner).ToList();
        var y = lambdaTuners.Count > 0
            ? LambdaAttention.Combine((IAttentionOperator)op, x, lambdaTuners)
            : operatorOutput ?? op.call(x);

        foreach (var branch in branches)
        {
            if (branch.Scale.Kind == ScaleKind.Lambda || merged.Contains(branch.Name)) continue;
            var r = branch.Tuner.call(x);
            if (!r.shape.SequenceEqual(y.shape))
                throw new TunerShapeException($"{GetName()}.tuners.{branch.Name}", "output", y.shape, r.shape,
                    "A parallel tuner must produce the operator's output shape; give it the operator's output width.");
            y = y.add(branch.Scale.call(r));
        }
        return y;
    }

    /// <summary>
    /// Merges every LoRA branch into the frozen linear's weight (<c>W += s·(α/r)·B·A</c>) so inference
    /// runs without the extra matmuls. Other tuners stay parallel branches.
    /// </summary>
    /// <returns>The names of the branches merged by this call.</returns>
    /// <exception cref="InvalidOperationException">The operator is not a <see cref="Linear"/> while a LoRA branch is attached.</exception>
    public IReadOnlyList<string> Merge()
    {
        var done = new List<string>();
        foreach (var branch in branches.Where(b => b.Tuner is LoRA && !merged.Contains(b.Name)))
        {
            var linear = RequireLinear(branch);
            using (no_grad())
                linear.weight!.add_(Delta(branch, linear));
            merged.Add(branch.Name);
            done.Add(branch.Name);
        }
        return done;
    }

    /// <summary>Undoes <see cref="Merge"/>: subtracts each merged LoRA update from the frozen weight.</summary>
    /// <returns>The names of the branches unmerged by this call.</returns>
    public IReadOnlyList<string> Unmerge()
    {
        var done = new List<string>();
        foreach (var branch in branches.Where(b => merged.Contains(b.Name)))
        {
            var linear = RequireLinear(branch);
            using (no_grad())
                linear.weight!.sub_(Delta(branch, linear));
            merged.Remove(branch.Name);
            done.Add(branch.Name);
        }
        return done;
    }

    private static Tensor Delta(Branch branch, Linear linear)
    {
        var lora = (LoRA)branch.Tuner;
        var w = linear.weight!;
        return lora.DeltaWeight().to(w.dtype, w.device) * branch.Scale.AsRowFactor(w.device, w.dtype);
    }

    private Linear RequireLinear(Branch branch) => op as Linear
        ?? throw new InvalidOperationException($"'{GetName()}': LoRA branch '{branch.Name}' can only be merged into a Linear operator, not {op.GetType().Name}.");

    private Branch Find(string name) => branches.FirstOrDefault(b => b.Name == name)
        ?? throw new KeyNotFoundException($"'{GetName()}' has no tuner named '{name}'. Attached: {string.Join(", ", branches.Select(b => b.Name))}.");
}
