namespace ResTuning.Bypass;

/// <summary>
/// Multi-task inference on a shared frozen backbone: one backbone pass collects the taps, then every task's
/// bypass (with its head) runs on them. Returns one output per task, in the order the tasks were given.
/// Submodules: <c>tasks.{i}</c>.
/// </summary>
/// <remarks>
/// <c>forward</c> may be called from several threads at once (each call has its own backbone pass, see
/// <see cref="HookTapSource"/>); training stays single-threaded.
/// </remarks>
public sealed class MultiTaskBypass : nn.Module<Tensor, Tensor[]>
{
    private readonly ModuleList<ResTuningBypass> tasks;

    /// <summary>Groups bypasses that share one tap source.</summary>
    /// <param name="tasks">The task bypasses; all must use the same <see cref="ITapSource"/> instance.</param>
    /// <param name="name">Module name.</param>
    public MultiTaskBypass(IEnumerable<ResTuningBypass> tasks, string name = "multitask") : base(name)
    {
        var list = (tasks ?? throw new ArgumentNullException(nameof(tasks))).ToArray();
        if (list.Length == 0) throw new ArgumentException("Give at least one task bypass.", nameof(tasks));
        Source = list[0].Source;
        for (var i = 1; i < list.Length; i++)
            if (!ReferenceEquals(list[i].Source, Source))
                throw new ArgumentException($"Task {i} reads a different tap source than task 0; build every task on the same ITapSource so the backbone runs once.", nameof(tasks));
        this.tasks = new ModuleList<ResTuningBypass>(list);
        register_module("tasks", this.tasks);
    }

    /// <summary>The shared backbone's taps.</summary>
    public ITapSource Source { get; }

    /// <summary>The task bypasses.</summary>
    public IReadOnlyList<ResTuningBypass> Tasks => tasks.ToArray();

    /// <summary>Runs the backbone once (up to the deepest tap any task reads) and every task on its taps.</summary>
    public override Tensor[] forward(Tensor input)
    {
        return TapRelease.After(Source.Collect(input, tasks.Max(t => t.LastTap)), taps => tasks.Select(t => t.Run(taps)).ToArray());
    }
}
