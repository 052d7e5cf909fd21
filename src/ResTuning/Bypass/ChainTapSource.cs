namespace ResTuning.Bypass;

/// <summary>
/// Base of the tap sources that run their backbone themselves, piece by piece, instead of through forward hooks
/// (<see cref="SequentialTapSource"/>, <see cref="VitTapSource"/>): the tap and re-entry names, and the collection
/// without autograd that returns detached taps.
/// </summary>
public abstract class ChainTapSource : IReenteringTapSource
{
    private string[] tapNames = Array.Empty<string>();
    private string[] reentry = Array.Empty<string>();

    /// <summary>Creates the source; the subclass names its points with <see cref="SetPoints"/> once it has checked its arguments.</summary>
    private protected ChainTapSource()
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<string> TapNames => tapNames;

    /// <inheritdoc />
    public IReadOnlyList<string> ReentryPoints => reentry;

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Collect(Tensor input, int lastTap)
    {
        TapChecks.LastTap(lastTap, tapNames.Length);
        using var grad = no_grad();
        using var scope = NewDisposeScope();
        var taps = new List<Tensor>(lastTap + 1);
        Run(taps, input, lastTap);
        return taps.Select(tap => tap.detach().MoveToOuterDisposeScope()).ToArray();
    }

    /// <inheritdoc />
    public abstract Tensor Reenter(string point, Tensor features);

    /// <summary>Names the taps <c>x_0..x_L</c> and the re-entry points.</summary>
    private protected void SetPoints(string[] taps, string[] reentryPoints) => (tapNames, reentry) = (taps, reentryPoints);

    /// <summary>The position of <paramref name="point"/> among the re-entry points.</summary>
    /// <exception cref="ArgumentException">It is not one of them; the message lists them.</exception>
    private protected int IndexOfReentry(string point)
    {
        var index = Array.IndexOf(reentry, point);
        return index >= 0 ? index : throw TapChecks.UnknownPoint(point, reentry);
    }

    /// <summary>Runs the backbone (without autograd, in a dispose scope) far enough to add <c>x_0..x_lastTap</c> to <paramref name="taps"/>.</summary>
    private protected abstract void Run(List<Tensor> taps, Tensor input, int lastTap);
}
