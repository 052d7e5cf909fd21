namespace ResTuning.Bypass;

/// <summary>
/// Res-Tuning-Bypass: the backbone runs once without autograd (<see cref="ITapSource.Collect"/>), and a separate
/// chain of tuners learns from its detached taps:
/// <c>b_0 = x_0</c>, <c>b_l = mix(lateral_l(x_l), vertical_l(b_{l-1}))</c>, output <c>head(b_L)</c> or the backbone
/// finished from <c>b_L</c> at a re-entry point (then the head, if any). Gradients never enter the backbone.
/// </summary>
/// <remarks>
/// The backbone is <em>not</em> a registered submodule: this module's parameters and state dict hold only the
/// bypass (<c>stages.{l}.*</c>) and the head (<c>head.*</c>), i.e. a tuner-only checkpoint, and several bypasses can
/// share one backbone (see <see cref="MultiTaskBypass"/>). Move the backbone to a device yourself.
/// <para>Inference (<c>forward</c>, <see cref="Forward"/>, <see cref="Run"/>) may be called from several threads at once,
/// also by several bypasses sharing one backbone or tap source: the module keeps no state between calls, and a
/// <see cref="HookTapSource"/> keeps each pass's state per call (see its remarks). Training (backward, optimizer steps,
/// <c>train()</c>/<c>eval()</c>, loading weights) stays single-threaded.</para>
/// </remarks>
public sealed class ResTuningBypass : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<BypassStage> stages;
    private readonly nn.Module<Tensor, Tensor>? head;
    // How b_L can re-enter, fixed by the constructor that took the source (so nothing here tests its type): resumed from
    // features by a source that runs the backbone's stages itself, or within the backbone's own pass of a hooked one.
    private readonly IReenteringTapSource? resumable;
    private readonly HookTapSource? hooked;

    /// <summary>Creates a bypass over <paramref name="source"/> whose b_L goes to the head (no re-entry).</summary>
    /// <param name="source">The frozen backbone's taps x_0..x_L.</param>
    /// <param name="stages">One stage per tap after x_0 (L stages).</param>
    /// <param name="head">Applied to b_L; none returns b_L as is.</param>
    /// <param name="name">Module name.</param>
    public ResTuningBypass(ITapSource source, IEnumerable<BypassStage> stages, nn.Module<Tensor, Tensor>? head = null, string name = "bypass")
        : this(source, stages, head, reenterAt: null, Array.Empty<string>(), name)
    {
    }

    /// <summary>Creates a bypass over a source that can resume its backbone from b_L, here or from collected (cached) taps.</summary>
    /// <param name="source">The frozen backbone's taps x_0..x_L.</param>
    /// <param name="stages">One stage per tap after x_0 (L stages).</param>
    /// <param name="head">Applied to b_L, or to the backbone's output after re-entry; none returns that tensor as is.</param>
    /// <param name="reenterAt">A re-entry point of <paramref name="source"/>; null sends b_L straight to the head.</param>
    /// <param name="name">Module name.</param>
    public ResTuningBypass(IReenteringTapSource source, IEnumerable<BypassStage> stages, nn.Module<Tensor, Tensor>? head = null, string? reenterAt = null, string name = "bypass")
        : this(source, stages, head, reenterAt, source?.ReentryPoints, name) => resumable = source;

    /// <summary>
    /// Creates a bypass over a hooked backbone (what generated models use): b_L re-enters, if at all, within the backbone's
    /// own pass (see <see cref="HookTapSource.ForwardWithReentry(Tensor, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/>),
    /// and a backbone with several inputs runs through <see cref="Forward"/>.
    /// </summary>
    /// <param name="source">The hooked backbone's taps x_0..x_L.</param>
    /// <param name="stages">One stage per tap after x_0 (L stages).</param>
    /// <param name="head">Applied to b_L, or to the backbone's output after re-entry; none returns that tensor as is.</param>
    /// <param name="reenterAt">One of <see cref="HookTapSource.ReentryPoints"/>; null sends b_L straight to the head.</param>
    /// <param name="name">Module name.</param>
    public ResTuningBypass(HookTapSource source, IEnumerable<BypassStage> stages, nn.Module<Tensor, Tensor>? head = null, string? reenterAt = null, string name = "bypass")
        : this(source, stages, head, reenterAt, source?.ReentryPoints, name) => hooked = source;

    private ResTuningBypass(ITapSource? source, IEnumerable<BypassStage> stages, nn.Module<Tensor, Tensor>? head, string? reenterAt,
        IReadOnlyList<string>? reentryPoints, string name)
        : base(name)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        var list = (stages ?? throw new ArgumentNullException(nameof(stages))).ToList();
        var tapCount = source.TapNames.Count;
        if (list.Count != tapCount - 1)
            throw new ArgumentException($"The source has {tapCount - 1} taps after x_0 ({string.Join(", ", source.TapNames.Skip(1))}) but {list.Count} stages were given; give one stage per tap.", nameof(stages));
        if (reenterAt is not null && !reentryPoints!.Contains(reenterAt))
            throw new ArgumentException($"'{reenterAt}' is not a re-entry point of the source. Known points: {string.Join(", ", reentryPoints!)}.", nameof(reenterAt));
        if (head is null && reenterAt is null && list.Count == 0)
            throw new ArgumentException("A bypass without stages needs a head or a re-entry point.", nameof(head));
        ReenterAt = reenterAt;
        this.stages = new ModuleList<BypassStage>(list.ToArray());
        this.head = head;
        register_module("stages", this.stages);
        if (head is not null) register_module("head", head);
    }

    /// <summary>The backbone's taps.</summary>
    public ITapSource Source { get; }

    /// <summary>The stages, one per tap after x_0.</summary>
    public IReadOnlyList<BypassStage> Stages => stages.ToArray();

    /// <summary>The head, if any.</summary>
    public nn.Module<Tensor, Tensor>? Head => head;

    /// <summary>Where b_L re-enters the backbone; null when it goes straight to the head.</summary>
    public string? ReenterAt { get; }

    /// <summary>Index of the last tap this bypass reads (L): the backbone stops after it.</summary>
    public int LastTap => stages.Count;

    /// <summary>Runs the backbone once (no autograd, stopping after the last tap), then the bypass.</summary>
    /// <remarks>With a <see cref="HookTapSource"/> and a re-entry point, b_L re-enters within that same backbone pass.</remarks>
    public override Tensor forward(Tensor input)
    {
        if (ReenterAt is not null && hooked is not null)
        {
            var output = hooked.ForwardWithReentry(input, LastTap, ReenterAt, RunStages);
            return head is null ? output : head.call(output);
        }
        return TapRelease.After(Source.Collect(input, LastTap), Run);
    }

    /// <summary>
    /// As <see cref="forward"/>, for a backbone with several inputs (e.g. a denoiser's images and timesteps) tapped by a
    /// <see cref="HookTapSource"/>: <paramref name="runBackbone"/> calls it.
    /// </summary>
    /// <param name="runBackbone">Calls the backbone with <c>call</c> and returns its output.</param>
    /// <returns>The head's output, or b_L, or the backbone's output after re-entry.</returns>
    /// <exception cref="InvalidOperationException">When the source is not a <see cref="HookTapSource"/>.</exception>
    public Tensor Forward(Func<Tensor> runBackbone)
    {
        ArgumentNullException.ThrowIfNull(runBackbone);
        if (hooked is null)
            throw new InvalidOperationException("Forward(runBackbone) needs a HookTapSource; call forward(input) with other tap sources.");
        if (ReenterAt is null) return TapRelease.After(hooked.Collect(runBackbone, LastTap), Run);
        var output = hooked.ForwardWithReentry(runBackbone, LastTap, ReenterAt, RunStages);
        return head is null ? output : head.call(output);
    }

    /// <summary>Runs the bypass on taps already collected (x_0..x_L, at least <see cref="LastTap"/> + 1 of them).</summary>
    /// <exception cref="NotSupportedException">
    /// This bypass re-enters a <see cref="HookTapSource"/>'s backbone, which happens only within its own pass: call
    /// <see cref="forward"/> instead.
    /// </exception>
    public Tensor Run(IReadOnlyList<Tensor> taps)
    {
        // Intermediate states b_1..b_{L-1} are released when the run ends (autograd keeps what backward needs).
        using var scope = NewDisposeScope();
        var b = RunStages(taps);
        var output = ReenterAt is null ? b : Resume(ReenterAt, b);
        var result = head is null ? output : head.call(output);
        // A bypass without stages, head or re-entry would return the tap itself, which belongs to the caller.
        return ReferenceEquals(result, taps[0]) ? result : result.MoveToOuterDisposeScope();
    }

    /// <summary>b_L: the bypass chain over taps x_0..x_L, without re-entry or head.</summary>
    public Tensor RunStages(IReadOnlyList<Tensor> taps)
    {
        ArgumentNullException.ThrowIfNull(taps);
        if (taps.Count <= LastTap)
            throw new ArgumentException($"The bypass reads taps 0..{LastTap} but {taps.Count} were given.", nameof(taps));
        var b = taps[0];
        for (var l = 1; l <= LastTap; l++)
        {
            var next = stages[l - 1].Step(taps[l], b, Source.TapNames[l]);
            // b_(l-1) is needed by nothing but autograd, which holds its own reference: free it now, as PyTorch would,
            // instead of keeping every b_l of the pass alive until the caller's dispose scope ends.
            if (!ReferenceEquals(b, next) && !IsTap(b, taps)) b.Dispose();
            b = next;
        }
        return b;
    }

    // The taps belong to the caller (several tasks may read them): never disposed here.
    private static bool IsTap(Tensor b, IReadOnlyList<Tensor> taps)
    {
        foreach (var tap in taps)
        {
            if (ReferenceEquals(tap, b)) return true;
        }
        return false;
    }

    private Tensor Resume(string point, Tensor b) => resumable is not null
        ? resumable.Reenter(point, b)
        : throw new NotSupportedException(
            $"A hooked backbone re-enters at '{point}' only within its own forward pass: call the bypass model's forward(input) " +
            "instead of running it on collected taps (multi-task groups must use heads, not re-entry).");
}
