namespace ResTuning;

/// <summary>
/// Base of every generated model whose forward takes one tensor: the <see cref="ITunedModel"/> members, written once,
/// and the lifecycle of the backbone it was given (hooks removed and the backbone returned as it was on
/// <see cref="IDisposable.Dispose"/>; the backbone itself is never disposed).
/// </summary>
/// <typeparam name="TResult">The forward's result (<c>Tensor</c>, or <c>Tensor[]</c> for a multi-task model).</typeparam>
public abstract class TunedModel<TResult> : nn.Module<Tensor, TResult>, ITunedModel
{
    private const string BackboneName = "backbone";
    private readonly TunedModelCore core;
    private readonly bool backboneRegistered;

    /// <summary>Wraps <paramref name="backbone"/>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="backbone">The backbone the user passed in; never disposed by this model.</param>
    /// <param name="registerBackbone">
    /// Register it as the submodule <c>backbone</c> (parallel models: it is part of the state dict and moves with the model);
    /// bypass and multi-task models do not (their state dict is the tuners only).
    /// </param>
    /// <exception cref="InvalidOperationException">The backbone has module fields that TorchSharp did not register.</exception>
    protected TunedModel(string name, nn.Module backbone, bool registerBackbone) : base(name)
    {
        // A registered backbone is a parallel model's, which freezes it itself; a bypass's tap source freezes (and restores) its own.
        core = new TunedModelCore(this, backbone, freezesBackbone: registerBackbone);
        backboneRegistered = registerBackbone;
        if (registerBackbone) register_module(BackboneName, backbone);
    }

    /// <summary>
    /// Registers nothing by reflection: generated models register each child explicitly. Reflection would register a
    /// bypass model's backbone field (not a child on purpose) as soon as the model itself becomes a child, e.g. a task of a
    /// multi-task model, which would then count, move and dispose the backbone with it; it also fails under NativeAOT.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters()
    {
        foreach (var (_, parameter) in core.NamedTrainableParameters()) yield return parameter;
    }

    /// <inheritdoc />
    public IEnumerable<(string Name, Parameter Parameter)> NamedTrainableParameters() => core.NamedTrainableParameters();

    /// <inheritdoc />
    public ParameterCounts CountParameters() => core.CountParameters();

    /// <inheritdoc />
    public void PrintTrainableParameters() => Console.WriteLine(CountParameters().ToString());

    /// <inheritdoc />
    public void SaveTuners(string path) => core.SaveTuners(path);

    /// <inheritdoc />
    public void LoadTuners(string path)
    {
        EnsureTunersCanChange();
        core.LoadTuners(path);
    }

    /// <summary>Throws when the model cannot take new tuner weights now (a parallel model while merged); nothing by default.</summary>
    protected virtual void EnsureTunersCanChange()
    {
    }

    /// <summary>Removes every hook this model put on the backbone (and restores what it changed in the backbone's weights).</summary>
    protected abstract void RemoveHooks();

    /// <summary>Throws once the backbone was handed back (<c>Unload</c>) or the model disposed.</summary>
    protected void ThrowIfReleased() => core.ThrowIfReleased();

    /// <summary>
    /// Hands the backbone back as it was: hooks removed, its parameters' <c>requires_grad</c> restored, no longer a
    /// registered child of this model. Afterwards this model's forward throws.
    /// </summary>
    /// <param name="how">How it was released, for the message of a later call (e.g. "unloaded").</param>
    protected void ReleaseBackbone(string how)
    {
        if (core.ReleasedBy is not null) return;
        RemoveHooks();
        core.RestoreBackboneGradients();
        if (backboneRegistered) _internal_submodules.Remove(BackboneName);
        core.MarkReleased(how);
    }

    /// <summary>Removes the hooks and disposes what this model created; the backbone it was given is left alive and unhooked.</summary>
    /// <param name="disposing">True from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        var release = disposing && core.ReleasedBy is null;
        if (release)
        {
            RemoveHooks();
            if (backboneRegistered) _internal_submodules.Remove(BackboneName);
        }
        base.Dispose(disposing);
        // After the children: a task of a multi-task model recorded the backbone already frozen.
        if (release)
        {
            core.RestoreBackboneGradients();
            core.MarkReleased("disposed");
        }
    }
}

/// <summary>
/// Base of every generated model whose forward takes two tensors (a bypass over a two-input backbone, e.g. a U-Net with
/// a timestep); the same members and lifecycle as <see cref="TunedModel{TResult}"/>.
/// </summary>
/// <typeparam name="T2">The forward's second input.</typeparam>
/// <typeparam name="TResult">The forward's result.</typeparam>
public abstract class TunedModel<T2, TResult> : nn.Module<Tensor, T2, TResult>, ITunedModel
{
    private readonly TunedModelCore core;

    /// <summary>Wraps <paramref name="backbone"/> (not registered: the state dict holds the tuners only).</summary>
    /// <param name="name">Module name.</param>
    /// <param name="backbone">The backbone the user passed in; never disposed by this model.</param>
    protected TunedModel(string name, nn.Module backbone) : base(name) => core = new TunedModelCore(this, backbone, freezesBackbone: false);

    /// <summary>
    /// Registers nothing by reflection: generated models register each child explicitly. Reflection would register a
    /// bypass model's backbone field (not a child on purpose) as soon as the model itself becomes a child, e.g. a task of a
    /// multi-task model, which would then count, move and dispose the backbone with it; it also fails under NativeAOT.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters()
    {
        foreach (var (_, parameter) in core.NamedTrainableParameters()) yield return parameter;
    }

    /// <inheritdoc />
    public IEnumerable<(string Name, Parameter Parameter)> NamedTrainableParameters() => core.NamedTrainableParameters();

    /// <inheritdoc />
    public ParameterCounts CountParameters() => core.CountParameters();

    /// <inheritdoc />
    public void PrintTrainableParameters() => Console.WriteLine(CountParameters().ToString());

    /// <inheritdoc />
    public void SaveTuners(string path) => core.SaveTuners(path);

    /// <inheritdoc />
    public void LoadTuners(string path) => core.LoadTuners(path);

    /// <summary>Removes every hook this model put on the backbone.</summary>
    protected abstract void RemoveHooks();

    /// <summary>Throws once the model was disposed.</summary>
    protected void ThrowIfReleased() => core.ThrowIfReleased();

    /// <summary>Removes the hooks and disposes what this model created; the backbone it was given is left alive and unhooked.</summary>
    /// <param name="disposing">True from <see cref="IDisposable.Dispose"/>.</param>
    protected override void Dispose(bool disposing)
    {
        var release = disposing && core.ReleasedBy is null;
        if (release) RemoveHooks();
        base.Dispose(disposing);
        if (release)
        {
            core.RestoreBackboneGradients();
            core.MarkReleased("disposed");
        }
    }
}
