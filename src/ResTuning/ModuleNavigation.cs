using System;
using System.Linq;
using TorchSharp;

namespace ResTuning;

/// <summary>
/// Reaches a registered child of a module by name, through TorchSharp's module registry (no reflection).
/// Generated code uses it for backbone fields it cannot access directly (e.g. private fields).
/// </summary>
public static class ModuleNavigation
{
    /// <summary>The child registered as <paramref name="name"/> on <paramref name="parent"/>.</summary>
    /// <typeparam name="T">The child's expected type.</typeparam>
    /// <param name="parent">The parent module.</param>
    /// <param name="name">The registered name.</param>
    /// <returns>The child.</returns>
    /// <exception cref="InvalidOperationException">No such child, or it has another type.</exception>
    public static T Child<T>(torch.nn.Module parent, string name) where T : torch.nn.Module
    {
        if (parent is null) throw new ArgumentNullException(nameof(parent));
        foreach (var (childName, child) in parent.named_children())
        {
            if (childName != name) continue;
            return child as T ?? throw new InvalidOperationException(
                $"Module '{parent.GetName()}' registers '{name}' as {child.GetType().Name}, not {typeof(T).Name}.");
        }
        throw new InvalidOperationException(
            $"Module '{parent.GetName()}' has no registered child '{name}'. Children: {string.Join(", ", parent.named_children().Select(c => c.name))}.");
    }
}
