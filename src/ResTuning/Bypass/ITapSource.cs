using System.Collections.Generic;
using static TorchSharp.torch;

namespace ResTuning.Bypass;

/// <summary>
/// A frozen backbone seen by a bypass: given an input it returns the detached features at its taps,
/// <c>x_0</c> (where the bypass starts) and <c>x_1..x_L</c>, computed without autograd, and it can take a
/// bypass output back in at a named point and finish the forward pass from there.
/// </summary>
/// <remarks>
/// The sources in this namespace serve <see cref="Collect"/> from several threads at once (inference), keeping the state
/// of a pass per call; an implementation that bypasses share across threads must do the same.
/// </remarks>
public interface ITapSource
{
    /// <summary>Names of the taps <c>x_0..x_L</c>, in order (index 0 is the bypass start).</summary>
    IReadOnlyList<string> TapNames { get; }

    /// <summary>Points where a bypass output may re-enter the backbone (see <see cref="Reenter"/>).</summary>
    IReadOnlyList<string> ReentryPoints { get; }

    /// <summary>
    /// Runs the backbone once without autograd and returns <c>x_0..x_lastTap</c>, detached. The backbone
    /// stops after the layer that produces tap <paramref name="lastTap"/>.
    /// </summary>
    /// <param name="input">The backbone's input.</param>
    /// <param name="lastTap">Index of the last tap needed (0..L).</param>
    IReadOnlyList<Tensor> Collect(Tensor input, int lastTap);

    /// <summary>
    /// Feeds <paramref name="features"/> into the backbone at <paramref name="point"/> and runs the rest of it
    /// with autograd (so gradients reach the bypass; frozen backbone weights get none).
    /// </summary>
    Tensor Reenter(string point, Tensor features);
}
