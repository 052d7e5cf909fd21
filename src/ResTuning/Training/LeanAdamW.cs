namespace ResTuning.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter) exactly as TorchSharp's <see cref="AdamW"/> computes it, faster for many small
/// parameters and with a lower peak memory for large ones (no <c>amsgrad</c>/<c>maximize</c>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Few elements (tuners):</b> a group of at most <see cref="FlattenLimit"/> elements is laid out in one contiguous
/// buffer after its first step, each parameter, gradient and moment a view into it, and every later update is a handful
/// of operations on that buffer instead of eight per parameter (PyTorch's multi-tensor path, which TorchSharp lacks).
/// Gradients then stay allocated and <see cref="zero_grad"/> zeroes them: a parameter that gets no gradient in a step sees
/// zeros, as with PyTorch's <c>zero_grad(set_to_none=False)</c>. Create the optimizer after moving the model to its
/// device; a parameter or gradient rebound later is noticed and the group is laid out again.
/// </para>
/// <para>
/// <b>Many elements (full fine-tuning):</b> one parameter at a time, freeing each parameter's temporary before the next
/// (TorchSharp's step keeps two tensors the size of every parameter until it ends, briefly two extra copies of the
/// model), and no gradient kept between steps beyond what TorchSharp keeps. For a parameter larger than glibc's mmap
/// threshold (an embedding matrix) that temporary is a view of one buffer kept from step to step, so its pages are not
/// mapped and faulted in again every step.
/// </para>
/// Both paths compute the same elementwise operations in the same order as TorchSharp's AdamW.
/// </remarks>
public sealed class LeanAdamW : AdamW
{
    /// <summary>
    /// The largest group, in elements, laid out flat by default: 8 Mi elements (32 MiB of float32) holds every tuner of
    /// a ViT-B several times over, while a full model above it is dominated by arithmetic, not by per-tensor overhead,
    /// and would pay a permanent gradient buffer in peak memory.
    /// </summary>
    public const long FlattenLimit = 8L << 20;

    private readonly bool? _flatten;
    private readonly Dictionary<ParamGroup, FlatParameters> _flat = new();
    private readonly HashSet<ParamGroup> _tooLarge = new();
    private Tensor? _denominator;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="flatten">Lay each group out in one buffer: null (default) for groups of at most <see cref="FlattenLimit"/>
    /// elements, true for any size, false never.</param>
    public LeanAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool? flatten = null)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
        _flatten = flatten;
    }

    /// <summary>
    /// Creates the optimizer over parameter groups, each with its own options (for example a new head at a higher learning
    /// rate than the tuners); options a group leaves unset come from the arguments. Each group is laid out flat on its own.
    /// </summary>
    /// <param name="groups">The parameter groups to update.</param>
    /// <param name="lr">Learning rate of groups that set none.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    /// <param name="flatten">As for the constructor over parameters.</param>
    public LeanAdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool? flatten = null)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
        _flatten = flatten;
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var hyper = new Hyper(options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value);
        if (FlatLayout(group) is { } flat)
        {
            StepFlat(group, flat, hyper);
            return;
        }
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            Update(param, grad, state.exp_avg, state.exp_avg_sq, state.step, hyper, DenominatorBuffer(state.exp_avg_sq));
        }
    }, closure);

    /// <summary>Zeroes the gradients: one operation per flat group, one per parameter otherwise.</summary>
    public override void zero_grad()
    {
        using var noGrad = no_grad();
        foreach (var group in _parameter_groups)
        {
            if (_flat.TryGetValue((ParamGroup)group, out var flat))
            {
                flat.ZeroGrad();
                continue;
            }
            foreach (var param in group.Parameters)
            {
                using var grad = param.grad;
                grad?.zero_();
            }
        }
    }

    /// <summary>Loads optimizer state; flat groups are laid out again from it at the next step.</summary>
    /// <param name="source">The state to load.</param>
    public override void load_state_dict(StateDictionary source)
    {
        DropFlatLayouts();
        base.load_state_dict(source);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DropFlatLayouts();
            _denominator?.Dispose();
            _denominator = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>The group's flat layout when it is (or can now be) used, laying it out on the first eligible step.</summary>
    private FlatParameters? FlatLayout(ParamGroup group)
    {
        if (_flat.TryGetValue(group, out var flat))
        {
            if (flat.IsIntact()) return flat;
            // Something rebound a parameter or a gradient: this step goes one parameter at a time (their own views are
            // still right), and the next step lays the group out again.
            _flat.Remove(group);
            flat.Dispose();
            return null;
        }
        if (_flatten == false || _tooLarge.Contains(group)) return null;
        var parameters = group.Parameters.ToList();
        if (_flatten is null && parameters.Sum(p => p.numel()) > FlattenLimit)
        {
            _tooLarge.Add(group);
            return null;
        }
        flat = FlatParameters.TryCreate(parameters, p =>
        {
            var state = (State)_state[p.Handle];
            return (state.exp_avg, state.exp_avg_sq, state.step);
        });
        if (flat is not null) _flat[group] = flat;
        return flat;
    }

    private void StepFlat(ParamGroup group, FlatParameters flat, Hyper hyper)
    {
        long step = 0;
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            step = state.step += 1;  // every state keeps its own count, so saved optimizer state stays per parameter
        }
        Update(flat.Values, flat.Grads, flat.ExpAvg, flat.ExpAvgSq, step, hyper, DenominatorBuffer(flat.ExpAvgSq));
    }

    /// <summary>
    /// A view of a buffer kept from step to step for the update's one temporary, for a parameter larger than glibc's mmap
    /// threshold (<see cref="Native.NativeHeapPolicy.MmapThresholdBytes"/>): glibc maps such a temporary on its own and
    /// unmaps it when freed, so every step would fault its pages in again (an embedding matrix: 47 MiB a step). Null for
    /// smaller ones, which the heap reuses anyway.
    /// </summary>
    private Tensor? DenominatorBuffer(Tensor like)
    {
        if (like.numel() * like.ElementSize <= Native.NativeHeapPolicy.MmapThresholdBytes) return null;
        if (_denominator is null || _denominator.numel() < like.numel() || _denominator.dtype != like.dtype || _denominator.device != like.device)
        {
            _denominator?.Dispose();
            _denominator = empty(like.numel(), like.dtype, like.device).DetachFromDisposeScope();
        }
        return _denominator.narrow(0, 0, like.numel()).view(like.shape);
    }

    private static void Update(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, Hyper h, Tensor? denominator)
    {
        // Skipped without decay: multiplying by one is a full pass over the parameters that changes no bit.
        if (h.WeightDecay != 0) param.mul_(1 - (h.Lr * h.WeightDecay));
        var biasCorrection1 = 1 - Math.Pow(h.Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(h.Beta2, step);
        expAvg.mul_(h.Beta1).add_(grad, alpha: 1 - h.Beta1);
        expAvgSq.mul_(h.Beta2).addcmul_(grad, grad, value: 1 - h.Beta2);
        // The one temporary, freed before the next parameter's (TorchSharp's version makes two and keeps them until the
        // step ends); the division is the same elementwise operation, so results are identical.
        using var denom = (denominator is null ? expAvgSq.sqrt() : denominator.copy_(expAvgSq).sqrt_()).div_(Math.Sqrt(biasCorrection2)).add_(h.Eps);
        param.addcdiv_(expAvg, denom, value: -(h.Lr / biasCorrection1));
    }

    private void DropFlatLayouts()
    {
        foreach (var flat in _flat.Values) flat.Dispose();
        _flat.Clear();
    }

    private readonly record struct Hyper(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay);
}
