namespace ResTuning.Bypass;

/// <summary>
/// A frozen backbone seen by a bypass: given an input it returns the detached features at its taps,
/// <c>x_0</c> (where the bypass starts) and <c>x_1..x_L</c>, computed without autograd. This is the collecting role that
/// every source has; a source that can also take a bypass output back in from collected taps is an
/// <see cref="IReenteringTapSource"/>, and a <see cref="HookTapSource"/> re-enters within its own backbone pass.
/// </summary>
/// <remarks>
/// The sources in this namespace serve <see cref="Collect"/> from several threads at once (inference), keeping the state
/// of a pass per call; an implementation that bypasses share across threads must do the same.
/// </remarks>
public interface ITapSource
{
    /// <summary>Names of the taps <c>x_0..x_L</c>, in order (index 0 is the bypass start).</summary>
    IReadOnlyList<string> TapNames { get; }

    /// <summary>
    /// Runs the backbone once without autograd and returns <c>x_0..x_lastTap</c>, detached. The backbone
    /// stops after the layer that produces tap <paramref name="lastTap"/>.
    /// </summary>
    /// <param name="input">The backbone's input.</param>
    /// <param name="lastTap">Index of the last tap needed (0..L).</param>
    IReadOnlyList<Tensor> Collect(Tensor input, int lastTap);
}
