namespace ResTuning.Bypass;

/// <summary>
/// Taps of <em>any</em> backbone, read through forward hooks on its own modules: the backbone runs its own
/// <c>forward</c> once without autograd while the hooks keep detached copies of the tapped outputs, and the run
/// stops right after the last tap that is needed. This is what the ResTuning source generator emits for
/// <c>[ResTuningBypass&lt;TBackbone&gt;]</c> models; hand-written code may use it too.
/// </summary>
/// <remarks>
/// <para><c>x_0</c> is the output of the start module, or the <em>input</em> of the first tapped module when no
/// start is given; <c>x_l</c> is the output of the l-th tapped module. Taps must fire in the order given.</para>
/// <para>The backbone runs in eval mode during the pass (dropout off, BatchNorm statistics frozen) and gets its mode back
/// afterwards.</para>
/// <para><b>Threads.</b> Inference may run from several threads at once, on one source or on several sources hooking the
/// same backbone (several bypass models, a multi-task group): the state of a pass (the taps caught so far, the re-entry)
/// belongs to that call, and the hooks find it through a thread-static "current pass", set by <see cref="Collect(Func{Tensor}, int)"/>
/// and <see cref="ForwardWithReentry(Func{Tensor}, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/> on the calling thread;
/// TorchSharp runs hooks synchronously on the thread that called the module, and its autograd mode and dispose scopes are
/// per thread too. The switch to eval mode is counted under a lock per backbone: the first concurrent pass switches a
/// backbone in training mode to eval, the last one switches it back, and a backbone already in eval mode is never touched.
/// Create every tap source before serving, and do not dispose it, change the backbone's mode or train while passes run:
/// training stays single-threaded.</para>
/// <para>Re-entry (the bypass output replacing the input of a later module, e.g. a final norm) happens in the
/// same backbone pass: see <see cref="ForwardWithReentry(Tensor, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/>. TorchSharp runs hooks from <c>call(x)</c> only, so a
/// backbone that invokes a tapped module with <c>forward(x)</c> is reported on the first run.</para>
/// </remarks>
public sealed class HookTapSource : ITapSource, IDisposable
{
    private readonly nn.Module<Tensor, Tensor>? start;
    private readonly (string Name, nn.Module<Tensor, Tensor> Module)[] taps;
    private readonly (string Name, nn.Module<Tensor, Tensor> Module)[] reentry;
    private readonly string[] tapNames;
    private readonly List<Action> hooks = new();
    private readonly GradientFlags? requiresGradBefore;
    private readonly EvalModeGuard mode;
    private volatile bool disposed;

    // The innermost backbone pass in progress on this thread, of any source (outer ones chained through Run.Outer).
    // A hook acts only when that pass is its own source's: another thread's pass, or another source's pass over the
    // same backbone, never reaches it.
    [ThreadStatic]
    private static Run? current;

    /// <summary>Hooks the tapped modules of <paramref name="backbone"/>.</summary>
    /// <param name="backbone">
    /// The backbone; it runs its own forward. A single-input <c>nn.Module&lt;Tensor, Tensor&gt;</c> runs through
    /// <see cref="Collect(Tensor, int)"/>; any other module (e.g. a denoiser taking noisy images and timesteps) through the
    /// overloads taking a function that calls it.
    /// </param>
    /// <param name="start">Name and module whose output is x_0; null for the input of the first tap.</param>
    /// <param name="taps">Names and modules whose outputs are x_1..x_L, in forward order.</param>
    /// <param name="reentry">Modules whose input a bypass output may replace (see <see cref="ForwardWithReentry(Tensor, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/>).</param>
    /// <param name="freeze">Turn off gradients of every backbone parameter (the default; a bypass trains none of them).</param>
    public HookTapSource(nn.Module backbone, (string Name, nn.Module<Tensor, Tensor> Module)? start,
        IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> taps,
        IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)>? reentry = null, bool freeze = true)
    {
        Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        this.taps = (taps ?? throw new ArgumentNullException(nameof(taps))).ToArray();
        this.reentry = (reentry ?? Array.Empty<(string, nn.Module<Tensor, Tensor>)>()).ToArray();
        if (this.taps.Length == 0) throw new ArgumentException("Tap at least one module of the backbone.", nameof(taps));
        var modules = this.taps.Select(t => t.Module).Concat(start is { } s ? new[] { s.Module } : Array.Empty<nn.Module<Tensor, Tensor>>()).ToArray();
        if (modules.Any(m => m is null)) throw new ArgumentException("A tapped module is null.", nameof(taps));
        if (modules.Distinct(ReferenceEqualityComparer.Instance).Count() != modules.Length)
            throw new ArgumentException("The same module is tapped twice; tap each module once.", nameof(taps));

        this.start = start?.Module;
        mode = EvalModeGuard.For(backbone);
        tapNames = new[] { start?.Name ?? "input of " + this.taps[0].Name }.Concat(this.taps.Select(t => t.Name)).ToArray();
        if (freeze)
        {
            // Given back by Dispose.
            requiresGradBefore = GradientFlags.Record(backbone);
            foreach (var p in backbone.parameters()) p.requires_grad = false;
        }

        if (this.start is not null) hooks.Add(this.start.register_forward_hook((_, _, output) => { Active?.Capture(0, output); return output; }).remove);
        for (var i = 0; i < this.taps.Length; i++)
        {
            var index = i + 1;
            var first = i == 0 && this.start is null;
            hooks.Add(this.taps[i].Module.register_forward_hook((_, input, output) =>
            {
                var active = Active;
                if (active is null) return output;
                if (first) active.Capture(0, input);
                active.Capture(index, output);
                return output;
            }).remove);
        }
        foreach (var (name, module) in this.reentry)
            hooks.Add(module.register_forward_pre_hook((_, input) => Active?.Reenter(name, input) ?? input).remove);
    }

    /// <summary>The backbone.</summary>
    public nn.Module Backbone { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TapNames => tapNames;

    /// <summary>
    /// Modules whose input a bypass output may replace, by name: re-entry happens within a backbone pass (see
    /// <see cref="ForwardWithReentry(Tensor, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/>), never from collected taps,
    /// which is why this source is not an <see cref="IReenteringTapSource"/>.
    /// </summary>
    public IReadOnlyList<string> ReentryPoints => reentry.Select(r => r.Name).ToArray();

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Collect(Tensor input, int lastTap)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Collect(() => SingleInput.call(input), lastTap);
    }

    /// <summary>As <see cref="Collect(Tensor, int)"/>, for a backbone that <paramref name="runBackbone"/> calls with its own inputs.</summary>
    /// <param name="runBackbone">Calls the backbone (with <c>call</c>, so that its hooks run) and returns its output.</param>
    /// <param name="lastTap">Index of the last tap needed (0..L).</param>
    /// <returns>x_0..x_lastTap, detached.</returns>
    public IReadOnlyList<Tensor> Collect(Func<Tensor> runBackbone, int lastTap)
    {
        ArgumentNullException.ThrowIfNull(runBackbone);
        TapChecks.LastTap(lastTap, tapNames.Length);
        return RunBackbone(runBackbone, new Run(this, lastTap, null, null), out _);
    }

    /// <summary>
    /// One backbone pass that re-enters: the backbone runs without autograd up to the input of
    /// <paramref name="point"/>; there <paramref name="bypass"/> turns the taps x_0..x_lastTap into b_L, which replaces
    /// that input, and the rest of the backbone runs with the caller's autograd mode (gradients reach the bypass;
    /// the frozen weights get none).
    /// </summary>
    /// <param name="input">The backbone's input.</param>
    /// <param name="lastTap">Index of the last tap the bypass reads.</param>
    /// <param name="point">A re-entry point (<see cref="ReentryPoints"/>).</param>
    /// <param name="bypass">Computes b_L from the taps.</param>
    /// <returns>The backbone's output.</returns>
    public Tensor ForwardWithReentry(Tensor input, int lastTap, string point, Func<IReadOnlyList<Tensor>, Tensor> bypass)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ForwardWithReentry(() => SingleInput.call(input), lastTap, point, bypass);
    }

    /// <summary>As <see cref="ForwardWithReentry(Tensor, int, string, Func{IReadOnlyList{Tensor}, Tensor})"/>, for a backbone that <paramref name="runBackbone"/> calls.</summary>
    /// <param name="runBackbone">Calls the backbone (with <c>call</c>) and returns its output.</param>
    /// <param name="lastTap">Index of the last tap the bypass reads.</param>
    /// <param name="point">A re-entry point (<see cref="ReentryPoints"/>).</param>
    /// <param name="bypass">Computes b_L from the taps.</param>
    /// <returns>The backbone's output.</returns>
    public Tensor ForwardWithReentry(Func<Tensor> runBackbone, int lastTap, string point, Func<IReadOnlyList<Tensor>, Tensor> bypass)
    {
        ArgumentNullException.ThrowIfNull(runBackbone);
        ArgumentNullException.ThrowIfNull(bypass);
        TapChecks.LastTap(lastTap, tapNames.Length);
        if (!reentry.Any(r => r.Name == point)) throw TapChecks.UnknownPoint(point, ReentryPoints);
        RunBackbone(runBackbone, new Run(this, lastTap, point, bypass), out var output);
        return output!;
    }

    private nn.Module<Tensor, Tensor> SingleInput => Backbone as nn.Module<Tensor, Tensor>
        ?? throw new InvalidOperationException($"The backbone {Backbone.GetType().Name} takes more than one input: collect its taps with the overloads taking a function that calls it.");

    /// <summary>
    /// Removes the hooks and gives every backbone parameter back the <c>requires_grad</c> it had before this source froze
    /// it: the backbone runs as before. Not while passes run on other threads.
    /// </summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var remove in hooks) remove();
        hooks.Clear();
        requiresGradBefore?.Restore();
    }

    /// <summary>This source's pass on this thread, if it is the innermost one.</summary>
    private Run? Active => current is { } run && ReferenceEquals(run.Owner, this) ? run : null;

    private IReadOnlyList<Tensor> RunBackbone(Func<Tensor> runBackbone, Run state, out Tensor? output)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        for (var outer = current; outer is not null; outer = outer.Outer)
            if (ReferenceEquals(outer.Owner, this))
                throw new InvalidOperationException(
                    "The backbone is already running for this tap source on this thread (a re-entrant call from the backbone, a hook or a bypass stage).");
        output = null;
        state.CallerGradEnabled = is_grad_enabled();
        // A frozen backbone is a fixed feature extractor: run it in eval mode (no dropout, BatchNorm running statistics
        // read, never updated), whatever mode the caller's model is in, and restore its mode afterwards (counted across
        // concurrent passes, see EvalModeGuard).
        try
        {
            using (var scope = NewDisposeScope())
            {
                mode.Enter();
                state.Outer = current;
                current = state;
                try
                {
                    using (no_grad())
                    {
                        try
                        {
                            output = runBackbone();
                        }
                        catch (StopForward)
                        {
                            // The last needed tap ran: the rest of the backbone is not needed.
                        }
                        finally
                        {
                            state.RestoreGrad();
                        }
                    }
                }
                finally
                {
                    current = state.Outer;
                    mode.Exit();
                }
                state.EnsureComplete();
                output = output?.MoveToOuterDisposeScope();
            }
        }
        catch
        {
            foreach (var tap in state.Taps) tap?.Dispose();
            throw;
        }
        // The taps belong to no dispose scope (see Run.Capture): give the caller's scope a handle on each.
        return state.Taps.Select(t =>
        {
            var owned = t!.alias();
            t.Dispose();
            return owned;
        }).ToArray();
    }

    /// <summary>State of one backbone pass: one call, on one thread.</summary>
    private sealed class Run(HookTapSource owner, int lastTap, string? point, Func<IReadOnlyList<Tensor>, Tensor>? bypass)
    {
        private IDisposable? gradAfterReentry;
        private int next;

        /// <summary>The source whose hooks fill this pass.</summary>
        public HookTapSource Owner => owner;

        /// <summary>The pass this one interrupted on the same thread, if any.</summary>
        public Run? Outer { get; set; }

        public Tensor?[] Taps { get; } = new Tensor?[lastTap + 1];

        public bool CallerGradEnabled { get; set; }

        private bool reentered;

        public void Capture(int index, Tensor value)
        {
            if (index > lastTap || reentered) return;
            if (index != next)
            {
                var expected = owner.tapNames[next];
                throw new InvalidOperationException(index < next
                    ? $"Tap '{owner.tapNames[index]}' ran twice in one backbone pass; tap a module that runs once."
                    : $"Tap '{owner.tapNames[index]}' ran before '{expected}': list the taps in the order the backbone runs them.");
            }
            // Out of every dispose scope: a hook can fire inside a module's own scope (a ResNet's stem), whose end would free it.
            Taps[index] = value.detach().DetachFromDisposeScope();
            next++;
            // An exception is the only way to end the backbone's own forward early: TorchSharp's hooks can replace a module's
            // input or output but not stop its caller, and Module.call is not virtual. Measured (Benchmarks `stopforward`): 6 µs
            // per pass (30 µs under load) against a 389 ms ViT-S/16 96 px batch-32 bypass training step on 2 cores, < 0.01 %.
            if (index == lastTap && point is null) throw new StopForward();
        }

        public Tensor Reenter(string name, Tensor input)
        {
            if (point != name || reentered) return input;
            if (next <= lastTap)
                throw new InvalidOperationException(
                    $"The re-entry point '{name}' ran before tap '{owner.tapNames[next]}': the bypass output can only re-enter after the last tap.");
            if (!input.shape.SequenceEqual(Taps[lastTap]!.shape))
                throw new TunerShapeException(name, "re-entry input", Taps[lastTap]!.shape, input.shape,
                    "The bypass output has the last tap's shape; re-enter at a module whose input has that shape.");
            reentered = true;
            // The bypass and everything after the re-entry point run with the caller's autograd mode.
            gradAfterReentry = set_grad_enabled(CallerGradEnabled);
            var b = bypass!(Taps!);
            if (!b.shape.SequenceEqual(input.shape))
                throw new TunerShapeException(name, "bypass output", input.shape, b.shape,
                    "The bypass output must have the shape of the re-entry module's input.");
            return b;
        }

        public void RestoreGrad()
        {
            gradAfterReentry?.Dispose();
            gradAfterReentry = null;
        }

        public void EnsureComplete()
        {
            if (next <= lastTap)
                throw new InvalidOperationException(
                    $"Tap '{owner.tapNames[next]}' never ran in the backbone's forward. TorchSharp runs hooks only when a module is invoked " +
                    "with call(x); make the backbone call that module with call(x), or tap another module.");
            if (point is not null && !reentered)
                throw new InvalidOperationException(
                    $"The re-entry point '{point}' never ran in the backbone's forward (it must be invoked with call(x)).");
        }
    }

    /// <summary>Ends a backbone pass early, once the last needed tap has run.</summary>
    private sealed class StopForward : Exception
    {
        public StopForward() : base("The last tap ran.")
        {
        }
    }
}
