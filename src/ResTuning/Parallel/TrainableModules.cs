namespace ResTuning.Parallel;

/// <summary>
/// The backbone modules a parallel model trains (<c>[Trainable]</c>, PEFT's <c>modules_to_save</c>), with a frozen copy of
/// their original state. PEFT keeps the original module beside a trainable copy; a TorchSharp module cannot be deep-copied
/// in general, so the roles are mirrored: the module itself is trained (it runs once per forward, and checkpoints keep
/// their <c>backbone.{path}.*</c> names) while the original parameters and buffers are kept aside. That gives PEFT's
/// promises: <see cref="UseOriginals"/> computes the plain backbone, <see cref="RestoreOriginals"/> hands it back as it was,
/// <see cref="KeepTrained"/> leaves the trained values in it for good.
/// </summary>
internal sealed class TrainableModules
{
    private readonly List<Entry> entries = new();
    private readonly HashSet<IntPtr> recorded = new();
    private bool usingOriginals;

    /// <summary>True while <see cref="UseOriginals"/>'s scope is open: the modules hold their original values.</summary>
    public bool UsingOriginals => usingOriginals;

    /// <summary>
    /// Records <paramref name="module"/>'s parameters and buffers as they are now and makes its parameters trainable. A
    /// tensor already recorded (a module named twice, or inside another trainable module) is recorded once.
    /// </summary>
    /// <param name="module">The backbone module to train.</param>
    public void Add(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var _ = no_grad();
        foreach (var (_, parameter) in module.named_parameters())
        {
            if (recorded.Add(parameter.Handle)) entries.Add(new Entry(parameter, parameter.detach().clone(), IsParameter: true));
            parameter.requires_grad = true;
        }
        foreach (var (_, buffer) in module.named_buffers())
        {
            if (recorded.Add(buffer.Handle)) entries.Add(new Entry(buffer, buffer.detach().clone(), IsParameter: false));
        }
    }

    /// <summary>
    /// Puts the original values into the modules (frozen) until the returned scope is disposed, which puts the trained
    /// values back and makes the parameters trainable again.
    /// </summary>
    /// <returns>The scope.</returns>
    public IDisposable UseOriginals()
    {
        if (entries.Count == 0 || usingOriginals) return new Scope(null);
        var trained = new Tensor[entries.Count];
        using (no_grad())
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                trained[i] = e.Live.detach().clone();
                e.Live.copy_(e.Original);
                if (e.IsParameter) e.Live.requires_grad = false;
            }
        }
        usingOriginals = true;
        return new Scope(() =>
        {
            using (no_grad())
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    e.Live.copy_(trained[i]);
                    if (e.IsParameter) e.Live.requires_grad = true;
                    trained[i].Dispose();
                }
            }
            usingOriginals = false;
        });
    }

    /// <summary>Copies the original values back into the modules and forgets them (the backbone as it was before wrapping).</summary>
    public void RestoreOriginals()
    {
        using (no_grad())
        {
            foreach (var e in entries) e.Live.copy_(e.Original);
        }
        Forget();
    }

    /// <summary>Leaves the trained values in the modules for good and forgets the originals.</summary>
    public void KeepTrained() => Forget();

    private void Forget()
    {
        foreach (var e in entries) e.Original.Dispose();
        entries.Clear();
        recorded.Clear();
    }

    private sealed record Entry(Tensor Live, Tensor Original, bool IsParameter);

    private sealed class Scope : IDisposable
    {
        private Action? onDispose;

        public Scope(Action? onDispose) => this.onDispose = onDispose;

        public void Dispose()
        {
            onDispose?.Invoke();
            onDispose = null;
        }
    }
}
