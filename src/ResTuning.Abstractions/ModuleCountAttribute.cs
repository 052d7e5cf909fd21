#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>
/// Optional hint on a backbone's <c>ModuleList</c> field: its element count, so tap ranges and indices are
/// checked and the trainable-parameter count computed at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ModuleCountAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="count">Number of elements the list always has.</param>
    public ModuleCountAttribute(int count) => Count = count;

    /// <summary>Number of elements.</summary>
    public int Count { get; }
}
