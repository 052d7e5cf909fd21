namespace ResTuning.Bypass;

/// <summary>
/// A tap source whose backbone can be resumed from features: a bypass output <c>b_L</c> computed from collected (or
/// cached) taps re-enters at a named point and the rest of the backbone runs from there. <see cref="VitTapSource"/> and
/// <see cref="SequentialTapSource"/> call the backbone's stages themselves and can; a <see cref="HookTapSource"/> cannot
/// (the backbone runs its own forward), so it is not one: it re-enters within its own pass instead
/// (<see cref="HookTapSource.ForwardWithReentry(Tensor, int, string, System.Func{IReadOnlyList{Tensor}, Tensor})"/>).
/// </summary>
public interface IReenteringTapSource : ITapSource
{
    /// <summary>Points where a bypass output may re-enter the backbone (see <see cref="Reenter"/>).</summary>
    IReadOnlyList<string> ReentryPoints { get; }

    /// <summary>
    /// Feeds <paramref name="features"/> into the backbone at <paramref name="point"/> and runs the rest of it
    /// with autograd (so gradients reach the bypass; frozen backbone weights get none).
    /// </summary>
    /// <param name="point">One of <see cref="ReentryPoints"/>.</param>
    /// <param name="features">The bypass output, shaped like the backbone's features at <paramref name="point"/>.</param>
    /// <returns>The backbone's output.</returns>
    Tensor Reenter(string point, Tensor features);
}
