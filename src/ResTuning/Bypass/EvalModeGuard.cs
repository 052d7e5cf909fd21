using System.Runtime.CompilerServices;

namespace ResTuning.Bypass;

/// <summary>
/// Keeps a frozen backbone in eval mode while any pass runs on it, from any thread and through any tap source: the
/// first pass to start switches a backbone that is in training mode to eval, the last one to end switches it back. The
/// counter and the switches sit under one lock per backbone, so a pass never sees the mode change under it; a backbone
/// already in eval mode is never touched.
/// </summary>
/// <remarks>Calling <c>train()</c> or <c>eval()</c> on the backbone yourself while passes run is not supported.</remarks>
internal sealed class EvalModeGuard
{
    // One guard per backbone, shared by every tap source that hooks it; it lives as long as the backbone.
    private static readonly ConditionalWeakTable<nn.Module, EvalModeGuard> Guards = new();

    private readonly nn.Module backbone;
    private readonly object gate = new();
    private int active;
    private bool restoreTraining;

    private EvalModeGuard(nn.Module backbone) => this.backbone = backbone;

    /// <summary>The guard of <paramref name="backbone"/>.</summary>
    public static EvalModeGuard For(nn.Module backbone) => Guards.GetValue(backbone, b => new EvalModeGuard(b));

    /// <summary>A pass starts: the backbone is in eval mode when this returns.</summary>
    public void Enter()
    {
        lock (gate)
        {
            if (active == 0)
            {
                restoreTraining = backbone.training;
                if (restoreTraining) backbone.eval();
            }
            active++;
        }
    }

    /// <summary>A pass ended: the last one gives the backbone its mode back.</summary>
    public void Exit()
    {
        lock (gate)
        {
            if (--active == 0 && restoreTraining)
            {
                restoreTraining = false;
                backbone.train();
            }
        }
    }
}
