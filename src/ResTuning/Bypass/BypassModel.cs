namespace ResTuning.Bypass;

/// <summary>
/// Base of every generated Res-Tuning-Bypass model over a one-input backbone: the frozen backbone runs once without
/// autograd, its detached taps feed a separate chain <c>b_l = lateral(x_l) + vertical(b_(l-1))</c>, and gradients never
/// enter it. The backbone is not a registered submodule, so the state dict holds the bypass and its head only. The
/// generated class adds only what its attributes decide: the tap source, the stages and the head.
/// </summary>
/// <typeparam name="TBackbone">The backbone's type.</typeparam>
public abstract class BypassModel<TBackbone> : TunedModel<Tensor> where TBackbone : nn.Module
{
    private readonly TBackbone backbone;
    private readonly BypassParts parts;

    /// <summary>Creates the bypass on <paramref name="source"/>, the taps of <paramref name="backbone"/>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="backbone">The backbone, with its pretrained weights loaded; never disposed by this model.</param>
    /// <param name="source">Its taps (the generated <c>CreateTapSource(backbone)</c>).</param>
    /// <param name="ownsSource">Whether this model created <paramref name="source"/> (and so removes its hooks when disposed).</param>
    /// <param name="factories">The stages, head and re-entry its attributes decide.</param>
    /// <param name="head">Replaces the generated head; null keeps it.</param>
    /// <exception cref="System.ArgumentException"><paramref name="source"/> hooks another backbone.</exception>
    protected BypassModel(string name, TBackbone backbone, HookTapSource source, bool ownsSource, BypassFactories factories, nn.Module<Tensor, Tensor>? head)
        : base(name, backbone, registerBackbone: false)
    {
        this.backbone = backbone;
        parts = new BypassParts(this, backbone, source, ownsSource, factories, head, register_module);
    }

    /// <summary>The frozen backbone (not registered, so not in this model's state dict; move it to a device yourself).</summary>
    public TBackbone Backbone => backbone;

    /// <summary>The backbone's taps x_0..x_L, read through forward hooks.</summary>
    public HookTapSource Source => parts.Source;

    /// <summary>The bypass chain and head, registered as <c>bypass</c>.</summary>
    public ResTuningBypass Bypass => parts.Chain;

    /// <summary>Index of the last tap this bypass reads.</summary>
    public int LastTap => parts.Chain.LastTap;

    /// <summary>Runs the backbone once without autograd (stopping after the last tap, or re-entering), then the bypass.</summary>
    /// <param name="input">The backbone's input.</param>
    /// <returns>The head's output (or b_L when there is no head).</returns>
    public override Tensor forward(Tensor input) => parts.Chain.call(input);

    /// <summary>Runs the bypass on taps collected by <see cref="Source"/> (one backbone pass shared by several tasks).</summary>
    /// <param name="taps">x_0..x_L, at least <see cref="LastTap"/> + 1 of them.</param>
    /// <returns>The head's output (or b_L when there is no head).</returns>
    public Tensor Run(IReadOnlyList<Tensor> taps) => parts.Chain.Run(taps);

    /// <summary>Removes the tap hooks (and unfreezes the backbone) when this model created its tap source; a shared source is its owner's.</summary>
    protected override void RemoveHooks() => parts.RemoveHooks();
}
