namespace ResTuning.Training;

/// <summary>
/// One optimizer group's parameters, gradients and AdamW moments laid out in four contiguous buffers, each parameter (and
/// its gradient and moments) a view into them, so that an update is a handful of operations on four tensors instead of
/// eight per parameter. This is what PyTorch's multi-tensor (<c>foreach</c>) and fused optimizers buy; TorchSharp has
/// neither, and a bypass of 100 small tensors otherwise spends 5–7 % of its step issuing them.
/// </summary>
/// <remarks>
/// Gradients are views that backward accumulates into in place, so they are never set to null: after
/// <see cref="ZeroGrad"/> a parameter that gets no gradient still sees zeros (PyTorch's <c>set_to_none=False</c>).
/// Anything that rebinds a parameter or its gradient (<c>param.grad = null</c>, <c>set_</c>, moving the model) breaks
/// the layout; <see cref="IsIntact"/> notices before each update, and the optimizer then falls back to one parameter at a
/// time and lays the group out again.
/// </remarks>
internal sealed class FlatParameters : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly long[] _offsets;
    private readonly IntPtr _valueStorage;
    private readonly IntPtr _gradStorage;

    private FlatParameters(Parameter[] parameters, long[] offsets, Tensor values, Tensor grads, Tensor expAvg, Tensor expAvgSq)
    {
        _parameters = parameters;
        _offsets = offsets;
        Values = values;
        Grads = grads;
        ExpAvg = expAvg;
        ExpAvgSq = expAvgSq;
        _valueStorage = StorageAddress(values);
        _gradStorage = StorageAddress(grads);
    }

    /// <summary>Every parameter's values, one after the other.</summary>
    public Tensor Values { get; }

    /// <summary>Every parameter's gradient, laid out as <see cref="Values"/>.</summary>
    public Tensor Grads { get; }

    /// <summary>The first moments, laid out as <see cref="Values"/>.</summary>
    public Tensor ExpAvg { get; }

    /// <summary>The second moments, laid out as <see cref="Values"/>.</summary>
    public Tensor ExpAvgSq { get; }

    /// <summary>
    /// Lays <paramref name="parameters"/> out flat, or returns null where that would change what the optimizer computes:
    /// mixed dtypes or devices, a parameter without a gradient yet (it must be skipped, not updated with zeros), moments at
    /// different step counts, or two parameters sharing storage (tied weights would be untied).
    /// </summary>
    /// <param name="parameters">The group's parameters.</param>
    /// <param name="moments">Each parameter's two AdamW moments and step count.</param>
    public static FlatParameters? TryCreate(IReadOnlyList<Parameter> parameters, Func<Parameter, (Tensor ExpAvg, Tensor ExpAvgSq, long Step)> moments)
    {
        if (parameters.Count < 2) return null;
        var dtype = parameters[0].dtype;
        var device = parameters[0].device;
        var deviceType = parameters[0].device_type;
        var deviceIndex = parameters[0].device_index;
        if (!IsSupported(dtype)) return null;
        var steps = new HashSet<long>();
        var storages = new HashSet<IntPtr>();
        foreach (var parameter in parameters)
        {
            if (parameter.dtype != dtype || parameter.device_type != deviceType || parameter.device_index != deviceIndex || !parameter.requires_grad) return null;
            using (var grad = parameter.grad)
            {
                if (grad is null) return null;
            }
            if (!storages.Add(StorageAddress(parameter))) return null;
            steps.Add(moments(parameter).Step);
        }
        if (steps.Count != 1) return null;

        var offsets = new long[parameters.Count];
        var total = 0L;
        for (var i = 0; i < parameters.Count; i++)
        {
            offsets[i] = total;
            total += parameters[i].numel();
        }

        // Created outside any dispose scope the caller's step may run in: these live as long as the optimizer.
        using var noGrad = no_grad();
        var values = empty(total, dtype: dtype, device: device).DetachFromDisposeScope();
        var grads = empty(total, dtype: dtype, device: device).DetachFromDisposeScope();
        var expAvg = empty(total, dtype: dtype, device: device).DetachFromDisposeScope();
        var expAvgSq = empty(total, dtype: dtype, device: device).DetachFromDisposeScope();
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var (m, v, _) = moments(parameter);
            using var grad = parameter.grad!;
            Rebind(parameter, values, offsets[i]);
            Rebind(m, expAvg, offsets[i]);
            Rebind(v, expAvgSq, offsets[i]);
            using var gradView = View(grads, offsets[i], parameter.shape);
            gradView.copy_(grad);
            parameter.grad = gradView;
        }
        return new FlatParameters(parameters.ToArray(), offsets, values, grads, expAvg, expAvgSq);
    }

    /// <summary>
    /// Whether every parameter and its gradient are still the views this layout made. About 2 µs per parameter: cheap
    /// next to the update it guards, which would otherwise silently skip a rebound tensor.
    /// </summary>
    public bool IsIntact()
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.IsInvalid || StorageAddress(parameter) != _valueStorage || parameter.storage_offset() != _offsets[i]) return false;
            using var grad = parameter.grad;
            if (grad is null || StorageAddress(grad) != _gradStorage || grad.storage_offset() != _offsets[i]) return false;
        }
        return true;
    }

    /// <summary>Zeroes every gradient in one operation.</summary>
    public void ZeroGrad()
    {
        using var noGrad = no_grad();
        Grads.zero_();
    }

    /// <summary>Frees the four buffers (the parameters keep theirs alive while they exist).</summary>
    public void Dispose()
    {
        Values.Dispose();
        Grads.Dispose();
        ExpAvg.Dispose();
        ExpAvgSq.Dispose();
    }

    private static bool IsSupported(ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>Copies <paramref name="tensor"/> into the buffer at <paramref name="offset"/> and makes it a view of it.</summary>
    private static void Rebind(Tensor tensor, Tensor buffer, long offset)
    {
        using var view = View(buffer, offset, tensor.shape);
        view.copy_(tensor);
        tensor.set_(view);
    }

    private static Tensor View(Tensor buffer, long offset, long[] shape)
    {
        using var slice = buffer.narrow(0, offset, shape.Aggregate(1L, (a, b) => a * b));
        return slice.view(shape);
    }

    /// <summary>The address of the storage a tensor views (not of its first element): equal for views of one buffer.</summary>
    private static IntPtr StorageAddress(Tensor tensor) =>
        tensor.dtype == ScalarType.Float64 ? tensor.storage<double>().data_ptr() : tensor.storage<float>().data_ptr();
}
