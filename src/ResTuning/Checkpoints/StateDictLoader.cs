using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace ResTuning.Checkpoints;

/// <summary>
/// Copies named tensors into a module's parameters and buffers, after checking every name, shape,
/// dtype kind and (by default) value first: a mismatched checkpoint changes nothing.
/// </summary>
public static class StateDictLoader
{
    private const int MaxListed = 20;

    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="module"/>. Only the state-dict entries named
    /// in <paramref name="names"/> are considered (all entries when null).
    /// </summary>
    /// <param name="module">The module to load into.</param>
    /// <param name="tensors">Checkpoint tensors by state-dict name.</param>
    /// <param name="path">The checkpoint's path, for messages.</param>
    /// <param name="names">The state-dict names expected in the checkpoint; null for the whole state dict.</param>
    /// <param name="strict">Refuse missing and unexpected names (mis-shaped and mis-typed ones are always refused).</param>
    /// <param name="allowNonFinite">Load floating-point tensors holding NaN or ±Inf; by default they are refused.</param>
    /// <exception cref="CheckpointException">Names, shapes or dtype kinds (integer vs floating point) do not match, or a tensor holds NaN/Inf; lists every problem.</exception>
    /// <exception cref="ObjectDisposedException">The module (one of its tensors) has been disposed.</exception>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string path, IEnumerable<string>? names = null, bool strict = true, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var state = module.state_dict();
        ThrowIfDisposed(module, state, "load into it");
        var expected = names is null ? state.Keys.ToList() : names.Distinct(StringComparer.Ordinal).ToList();

        var notInModule = expected.Where(n => !state.ContainsKey(n)).ToList();
        if (notInModule.Count > 0)
            throw new ArgumentException($"The module has no state-dict entries named {List(notInModule)}.", nameof(names));

        var disposed = tensors.Where(kv => kv.Value is null || kv.Value.IsInvalid).Select(kv => kv.Key).ToList();
        if (disposed.Count > 0)
            throw new ObjectDisposedException(nameof(tensors), $"The checkpoint tensors {List(disposed)} read from '{path}' have been disposed.");

        var expectedSet = new HashSet<string>(expected, StringComparer.Ordinal);
        var missing = expected.Where(n => !tensors.ContainsKey(n)).ToList();
        var unexpected = tensors.Keys.Where(n => !expectedSet.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var present = expected.Where(tensors.ContainsKey).ToList();
        var misshaped = present.Where(n => !tensors[n].shape.SequenceEqual(state[n].shape))
            .Select(n => $"{n}: checkpoint {TunerShapeException.Format(tensors[n].shape)} vs module {TunerShapeException.Format(state[n].shape)}")
            .ToList();
        var mistyped = present.Where(n => Kind(tensors[n].dtype) != Kind(state[n].dtype))
            .Select(n => $"{n}: checkpoint {tensors[n].dtype} vs module {state[n].dtype}")
            .ToList();

        var problems = new StringBuilder();
        if (strict && missing.Count > 0) problems.Append($" missing: {List(missing)}.");
        if (strict && unexpected.Count > 0) problems.Append($" unexpected: {List(unexpected)}.");
        if (misshaped.Count > 0) problems.Append($" mis-shaped: {List(misshaped)}.");
        if (mistyped.Count > 0) problems.Append($" mis-typed: {List(mistyped)}.");
        if (problems.Length > 0)
            throw new CheckpointException(path, "does not match the module; nothing was loaded." + problems);

        if (!allowNonFinite)
        {
            var nonFinite = present.Select(n => (Name: n, Problem: NonFinite(tensors[n]))).Where(p => p.Problem is not null)
                .Select(p => $"{p.Name} ({p.Problem})").ToList();
            if (nonFinite.Count > 0)
                throw new CheckpointException(path, $"holds non-finite values in {List(nonFinite)}; nothing was loaded. The run that saved it probably diverged; " +
                    "pass allowNonFinite: true to load it anyway.");
        }

        using var _ = no_grad();
        foreach (var name in present)
            state[name].copy_(tensors[name]);
    }

    private static readonly FieldInfo? ModuleHandle = typeof(nn.Module).GetField("handle", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>
    /// Throws <see cref="ObjectDisposedException"/> when <paramref name="module"/> has been disposed. TorchSharp's
    /// <c>named_parameters</c> and <c>state_dict</c> silently skip released tensors (a disposed module looks empty), so
    /// this looks at the module's native handle, which <c>Dispose</c> closes, and at the tensors <paramref name="state"/> still lists.
    /// </summary>
    internal static void ThrowIfDisposed(nn.Module module, IReadOnlyDictionary<string, Tensor> state, string action)
    {
        var closed = ModuleHandle?.GetValue(module) is SafeHandle { IsClosed: true };
        var released = state.Where(kv => kv.Value is null || kv.Value.IsInvalid).Select(kv => kv.Key).ToList();
        if (closed || released.Count > 0)
            throw new ObjectDisposedException(module.GetType().Name,
                $"The {module.GetType().Name} has been disposed" + (released.Count > 0 ? $" (its tensors {List(released)} are released)" : "") + $"; cannot {action}.");
    }

    private static int Kind(ScalarType type) => type switch
    {
        ScalarType.Bool => 0,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 => 2,
        ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 => 3,
        _ => 1,
    };

    /// <summary>"2 NaN, 1 Inf of 64" for a floating-point tensor with non-finite values; null otherwise.</summary>
    private static string? NonFinite(Tensor tensor)
    {
        if (Kind(tensor.dtype) != 2) return null;
        using var scope = NewDisposeScope();
        var finite = tensor.isfinite();
        if (finite.all().item<bool>()) return null;
        var nan = tensor.isnan().sum().item<long>();
        var inf = (~finite).sum().item<long>() - nan;
        return $"{nan} NaN, {inf} Inf of {tensor.numel()}";
    }

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxListed)) + (items.Count > MaxListed ? $" (and {items.Count - MaxListed} more)" : "");
}
