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
}
