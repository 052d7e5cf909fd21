using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace ResTuning.Parallel;

/// <summary>
/// Base of every generated parallel Res-Tuning model: the backbone (registered as <c>backbone</c>) runs its own forward
/// while its tapped modules add their tuners' outputs through hooks (<see cref="TapSet"/>, registered as <c>taps</c>).
/// The generated class adds only its configuration: which modules to freeze and which tuners to attach where.
/// Lifecycle in PEFT's words: <see cref="DisableTuners"/>, <see cref="Unload"/>, and, when a LoRA is declared,
/// <c>Merge</c>, <c>Unmerge</c> and <c>MergeAndUnload</c>.
/// </summary>
/// <typeparam name="TBackbone">The frozen backbone.</typeparam>
public abstract class ParallelModel<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TBackbone> : TunedModel<Tensor>
    where TBackbone : nn.Module<Tensor, Tensor>
{
    private readonly TBackbone backbone;
    private readonly TapSet taps = new("taps");
    private readonly TrainableModules trainable = new();
    private bool tapsVerified;

    /// <summary>Wraps <paramref name="backbone"/> and registers it as <c>backbone</c> and the (empty) tap set as <c>taps</c>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="backbone">The backbone, with its pretrained weights loaded; never disposed by this model.</param>
    /// <exception cref="InvalidOperationException">The backbone registered none of its module fields (see <see cref="BackboneRegistration"/>).</exception>
    protected ParallelModel(string name, TBackbone backbone) : base(name, Checked(backbone), registerBackbone: true)
    {
        this.backbone = backbone;
        register_module("taps", taps);
    }

    // Before the base registers it: registering runs TorchSharp's RegisterComponents on it, which would hide a backbone
    // that forgot to register its modules (and would find nothing under NativeAOT).
    private static TBackbone Checked(TBackbone backbone)
    {
        BackboneRegistration.EnsureRegistered(backbone, nameof(backbone));
        return backbone;
    }

    /// <summary>The backbone, registered as <c>backbone</c>.</summary>
    public TBackbone Backbone => backbone;

    /// <summary>The tuners: one <see cref="ParallelTap"/> per tapped module, registered as <c>taps</c>.</summary>
    public TapSet Taps => taps;

    /// <summary>Runs the backbone; the hooked modules add their tuners' outputs on the way.</summary>
    /// <param name="input">The backbone's input.</param>
    /// <returns>The backbone's output.</returns>
    /// <exception cref="InvalidOperationException">
    /// On the first call, when a tapped module did not run through <c>call(x)</c>; while merged, in training (train mode with
    /// autograd on) or after a merged tuner's weights changed; after <see cref="Unload"/> or <c>Dispose</c>.
    /// </exception>
    public override Tensor forward(Tensor input)
    {
        ThrowIfReleased();
        if (taps.IsMerged)
        {
            if (training && is_grad_enabled())
                throw new InvalidOperationException(
                    $"{GetType().Name} has LoRA tuners merged into the backbone's weights, so training them would change nothing. " +
                    "Call Unmerge() before training, or run inference in eval() mode or under no_grad().");
            taps.EnsureMergedTunersUnchanged();
        }
        var output = backbone.call(input);
        if (!tapsVerified)
        {
            taps.EnsureAllRan();
            tapsVerified = true;
        }
        return output;
    }

    /// <summary>
    /// Declares a backbone module trainable (<c>[Trainable]</c>, PEFT's <c>modules_to_save</c>): its parameters train, and
    /// its original parameters and buffers are kept aside, so that <see cref="DisableTuners"/> computes the plain backbone and
    /// <see cref="Unload"/> returns it as it was. Called by generated constructors.
    /// </summary>
    /// <param name="path">The module's registered path in the backbone (for the message).</param>
    /// <param name="module">The module; null when the backbone was built without it (an optional head, say).</param>
    /// <exception cref="InvalidOperationException">The module is null.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected void KeepTrainable(string path, nn.Module? module) => trainable.Add(module
        ?? throw new InvalidOperationException($"[Trainable(\"{path}\")]: the backbone has no module there (it is null: an optional module this backbone was built without)."));

    /// <summary>
    /// Switches every tuner off until the returned scope is disposed (PEFT's <c>disable_adapter</c>): inside it the model,
    /// and the backbone itself, compute exactly the backbone's frozen output; <c>[Trainable]</c> modules hold their original
    /// values (frozen) inside the scope and get their trained values back when it ends.
    /// </summary>
    /// <returns>The scope; disposing it switches the tuners back on.</returns>
    /// <exception cref="InvalidOperationException">While merged (call <c>Unmerge()</c> first), or after <see cref="Unload"/>.</exception>
    public IDisposable DisableTuners()
    {
        ThrowIfReleased();
        if (taps.IsMerged)
            throw new InvalidOperationException("The LoRA tuners are merged into the backbone's weights; call Unmerge() before DisableTuners().");
        var tuners = taps.Disable();
        var originals = trainable.UseOriginals();
        return new DisabledScope(originals, tuners);
    }

    private sealed class DisabledScope : IDisposable
    {
        private IDisposable? originals;
        private IDisposable? tuners;

        public DisabledScope(IDisposable originals, IDisposable tuners)
        {
            this.originals = originals;
            this.tuners = tuners;
        }

        public void Dispose()
        {
            originals?.Dispose();
            tuners?.Dispose();
            originals = tuners = null;
        }
    }

    /// <summary>
    /// Removes every tuner and returns the backbone as it was before wrapping (PEFT's <c>unload</c>): no hooks, merged
    /// weights restored exactly, <c>[Trainable]</c> modules back to their original values, each parameter's
    /// <c>requires_grad</c> as before. This model is unusable afterwards; dispose it to free the tuners.
    /// </summary>
    /// <returns>The backbone.</returns>
    public TBackbone Unload()
    {
        ThrowIfReleased();
        ReleaseBackbone("unloaded");
        return backbone;
    }

    /// <summary>Merges the LoRA tuners into their linears' weights (the other tuners keep running beside their modules).</summary>
    /// <returns><c>path/tuner</c> for each tuner merged by this call.</returns>
    protected System.Collections.Generic.IReadOnlyList<string> MergeTuners()
    {
        ThrowIfReleased();
        return taps.Merge();
    }

    /// <summary>Undoes <see cref="MergeTuners"/>, restoring the weights exactly.</summary>
    /// <returns><c>path/tuner</c> for each tuner unmerged by this call.</returns>
    protected System.Collections.Generic.IReadOnlyList<string> UnmergeTuners()
    {
        ThrowIfReleased();
        return taps.Unmerge();
    }

    /// <summary>
    /// Folds every LoRA into its linear's weight for good, removes the hooks and returns the backbone (PEFT's
    /// <c>merge_and_unload</c>); <c>[Trainable]</c> modules keep their trained values. The backbone then computes the tuned
    /// model's function on its own.
    /// </summary>
    /// <returns>The backbone, with the tuners merged in.</returns>
    /// <exception cref="InvalidOperationException">A tuner other than a LoRA on a Linear or a Conv2d is attached (nothing changes).</exception>
    protected TBackbone MergeAndUnloadTuners()
    {
        ThrowIfReleased();
        if (trainable.UsingOriginals)
            throw new InvalidOperationException("DisableTuners() is in effect; end its scope before MergeAndUnload().");
        taps.MergeForGoodAndDetach();
        trainable.KeepTrained();
        ReleaseBackbone("merged and unloaded");
        return backbone;
    }

    /// <inheritdoc />
    protected override void EnsureTunersCanChange()
    {
        ThrowIfReleased();
        if (taps.IsMerged)
            throw new InvalidOperationException("The LoRA tuners are merged into the backbone's weights; call Unmerge() before LoadTuners(), then Merge() again.");
        if (trainable.UsingOriginals)
            throw new InvalidOperationException("DisableTuners() is in effect: the [Trainable] modules hold their original values. End its scope before LoadTuners().");
    }

    /// <inheritdoc />
    protected override void RemoveHooks()
    {
        taps.Unmerge();
        taps.DetachAll();
        trainable.RestoreOriginals();
    }
}
