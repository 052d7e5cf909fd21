namespace ResTuning.Serving.Tests;

/// <summary>
/// Tests that read the whole process's native heap run alone, after the parallel ones: another test class allocating or
/// freeing tensors in the middle of a reading moved it (a fresh-clone run read 19 KiB under the 64 MiB tensor).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessHeapCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process heap";
}
