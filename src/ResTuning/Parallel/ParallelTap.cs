namespace ResTuning.Parallel;

/// <summary>
/// Res-Tuning's parallel form attached to a module <em>in place</em>: a forward hook on the (frozen)
/// operator turns its output <c>OP(x)</c> into <c>OP(x) + Σ_k s_k·R_k(x)</c>, so the backbone keeps its own
/// types and forward and the tuners still read the operator's input. The branch arithmetic, λ-weighting
/// and LoRA merging are <see cref="ResParallel"/>'s (this type delegates to one that it does not register,
/// so the operator's parameters are not listed twice).
/// </summary>
/// <remarks>
/// Submodules: <c>tuners.{name}</c> and <c>scales.{name}</c>. The hook fires when the backbone invokes the
/// operator with <c>call(x)</c> (TorchSharp runs hooks from <c>call</c>, not from <c>forward</c>).
/// This type is what the ResTuning source generator emits for each tap.
/// </remarks>
public sealed class ParallelTap : nn.Module
{
    // Neither is a child (see RegisterComponents): the operator belongs to the backbone, and the wrapper registers it.
    private readonly nn.Module<Tensor, Tensor> op;
    private readonly ResParallel parallel;
    private readonly ModuleGroup tuners = new("tuners");
    private readonly ModuleGroup scales = new("scales");
    private IDisposable? hook;

    /// <summary>Creates the tap on <paramref name="op"/> and hooks it.</summary>
    /// <param name="op">The backbone module the tuners run beside; it is not frozen here.</param>
    /// <param name="path">The module's path in the backbone, e.g. <c>blocks.3.mlp</c> (used in messages).</param>
    public ParallelTap(nn.Module<Tensor, Tensor> op, string path) : base(path)
    {
        if (op is null) throw new ArgumentNullException(nameof(op));
        Path = path;
        this.op = op;
        parallel = new ResParallel(op, freezeOperator: false, name: path);
        register_module("tuners", tuners);
        register_module("scales", scales);
        Attach();
    }

    /// <summary>The module's path in the backbone.</summary>
    public string Path { get; }

    /// <summary>The hooked backbone module.</summary>
    public nn.Module<Tensor, Tensor> Operator => op;

    /// <summary>Names of the attached tuners, in the order they were added.</summary>
    public IReadOnlyList<string> TunerNames => parallel.TunerNames;

    /// <summary>How many times the hook has run (the operator was invoked with <c>call</c>).</summary>
    public long Calls { get; private set; }

    /// <summary>True while the forward hook is installed.</summary>
    public bool IsAttached => hook is not null;

    /// <summary>The tuner attached under <paramref name="name"/>.</summary>
    public nn.Module<Tensor, Tensor> Tuner(string name) => parallel.Tuner(name);

    /// <summary>The scale of the tuner attached under <paramref name="name"/>.</summary>
    public TunerScale Scale(string name) => parallel.Scale(name);

    /// <summary>Attaches a tuner (see <see cref="ResParallel.Add"/> for the rules).</summary>
    /// <param name="name">Unique name on this tap (letters, digits, underscores).</param>
    /// <param name="tuner">The tuner reading the operator's input.</param>
    /// <param name="scale">Its scale; a fixed 1 when omitted.</param>
    /// <returns>This tap, for chaining.</returns>
    public ParallelTap Add(string name, nn.Module<Tensor, Tensor> tuner, TunerScale? scale = null)
    {
        scale ??= TunerScale.Fixed();
        parallel.Add(name, tuner, scale);
        tuners.Add(name, tuner);
        scales.Add(name, scale);
        return this;
    }

    /// <summary>The tuned output for input <paramref name="x"/> given the operator's own output <paramref name="y"/>.</summary>
    /// <param name="x">The operator's input.</param>
    /// <param name="y">The operator's output.</param>
    /// <returns><c>y + Σ s_k·R_k(x)</c> (or the λ-weighted form for λ-scaled attention tuners).</returns>
    /// <exception cref="TunerShapeException">A tuner's input or output shape does not fit; the message names this tap's <see cref="Path"/>.</exception>
    public Tensor Apply(Tensor x, Tensor y)
    {
        try
        {
            return parallel.Tune(x, y);
        }
        catch (TunerShapeException mismatch) when (mismatch.Tap is null)
        {
            // Only a failing call pays for this: the tuners name themselves, the tap names where they run.
            throw mismatch.AtTap(Path);
        }
    }

    /// <summary>Installs the forward hook (done by the constructor); does nothing when installed.</summary>
    public void Attach()
    {
        if (hook is not null) return;
        var remover = op.register_forward_hook((_, input, output) =>
        {
            Calls++;
            return Apply(input, output);
        });
        hook = new Remover(remover.remove);
    }

    /// <summary>Removes the forward hook: the operator computes its frozen output alone again.</summary>
    public void Detach()
    {
        hook?.Dispose();
        hook = null;
    }

    /// <summary>Merges the LoRA tuners into the operator's weight (see <see cref="ResParallel.Merge"/>).</summary>
    /// <returns>The names of the tuners merged by this call.</returns>
    public IReadOnlyList<string> Merge() => parallel.Merge();

    /// <summary>Undoes <see cref="Merge"/>, restoring the operator's weight exactly.</summary>
    /// <returns>The names of the tuners unmerged by this call.</returns>
    public IReadOnlyList<string> Unmerge() => parallel.Unmerge();

    /// <summary>True while some LoRA tuner is merged into the operator's weight.</summary>
    public bool IsMerged => parallel.IsMerged;

    /// <summary>Names of the tuners that cannot be merged into the operator's weight.</summary>
    public IReadOnlyList<string> UnmergeableTuners => parallel.UnmergeableTuners;

    /// <summary>Throws when a merged tuner's weights changed since merging (see <see cref="ResParallel.EnsureMergedTunersUnchanged"/>).</summary>
    public void EnsureMergedTunersUnchanged() => parallel.EnsureMergedTunersUnchanged();

    /// <summary>Merges every tuner for good, keeping no copy of the weight: the step before <see cref="Detach"/> for good.</summary>
    internal void MergeForGood() => parallel.MergeForGood();

    /// <summary>Removes the hook and frees what merging kept; the tuners themselves are disposed as registered children.</summary>
    /// <param name="disposing">True from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Detach();
            // The wrapper is not disposed: it registers the backbone's operator, which this tap does not own.
            parallel.DropMergeCopies();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Registers nothing by reflection: the constructor registers <c>tuners</c> and <c>scales</c> itself. TorchSharp's
    /// default registers every Module-valued field (when a parent registers this tap), which would list the backbone's
    /// operator, and through the wrapper its parameters, a second time.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    private sealed class Remover(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
