namespace ResTuning;

/// <summary>
/// Frees an intermediate tensor as soon as nothing but autograd needs it, as PyTorch's reference counting would, instead of
/// keeping it until the enclosing dispose scope ends. Autograd holds its own reference to what backward needs, so this only
/// lowers the peak (and the allocator's fragmentation) of a pass.
/// </summary>
internal static class Temporaries
{
    /// <summary>Disposes <paramref name="temporary"/> unless it is the same tensor as one of <paramref name="kept1"/> or <paramref name="kept2"/>
    /// (a module that returns its input, a tensor the caller still owns).</summary>
    public static void Free(Tensor temporary, Tensor kept1, Tensor? kept2 = null)
    {
        if (ReferenceEquals(temporary, kept1) || ReferenceEquals(temporary, kept2)) return;
        temporary.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> one after another on <paramref name="input"/>, freeing each output in between once the
    /// next exists (taps keep detached handles of their own, autograd its own references); the caller's input stays theirs.
    /// </summary>
    public static Tensor Chain<T>(IEnumerable<T> steps, Tensor input, Func<T, Tensor, Tensor> run)
    {
        var current = input;
        foreach (var step in steps)
        {
            var next = run(step, current);
            Free(current, next, input);
            current = next;
        }
        return current;
    }
}
