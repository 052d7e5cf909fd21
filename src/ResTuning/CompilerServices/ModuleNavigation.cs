using System.ComponentModel;
using System.Globalization;

namespace ResTuning.CompilerServices;

/// <summary>
/// Reaches a registered child of a module by name, through TorchSharp's module registry (no reflection), and elements of
/// the lists a tap path indexes. Generated code uses it for backbone fields it cannot access directly (e.g. private
/// fields) and for indices and ranges into lists whose length is only known at run time, so an error names the tap.
/// Meant for generated code (hence <c>CompilerServices</c>, hidden from completion).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModuleNavigation
{
    /// <summary>Element <paramref name="index"/> of the module list a tap path indexes.</summary>
    /// <typeparam name="T">The list's element type.</typeparam>
    /// <param name="list">The list (a <c>ModuleList&lt;T&gt;</c>); null where the backbone has none there.</param>
    /// <param name="index">The index the tap path names.</param>
    /// <param name="tap">The tap path as written, e.g. <c>blocks.7.mlp</c> (for the message).</param>
    /// <param name="listName">The list's name in the path, e.g. <c>blocks</c> (for the message).</param>
    /// <returns>The element.</returns>
    /// <exception cref="InvalidOperationException">The list is null, or has no element <paramref name="index"/>; the message names the tap, the index and the list's length.</exception>
    public static T Element<T>(IList<T>? list, int index, string tap, string listName)
    {
        if (list is null) throw Missing(tap, listName);
        if ((uint)index < (uint)list.Count) return list[index];
        throw OutOfBounds(tap, $"index {index.ToString(CultureInfo.InvariantCulture)}", listName, list.Count);
    }

    /// <summary>Element <paramref name="index"/> of the <see cref="Sequential"/> a tap path indexes.</summary>
    /// <param name="sequential">The sequential; null where the backbone has none there (a block without a shortcut projection).</param>
    /// <param name="index">The index the tap path names.</param>
    /// <param name="tap">The tap path as written (for the message).</param>
    /// <param name="listName">The sequential's name in the path (for the message).</param>
    /// <returns>The element.</returns>
    /// <exception cref="InvalidOperationException">The sequential is null, or has no element <paramref name="index"/>; the message names the tap, the index and the length.</exception>
    public static torch.nn.IModule<torch.Tensor, torch.Tensor> Element(Sequential? sequential, int index, string tap, string listName)
    {
        if (sequential is null) throw Missing(tap, listName);
        if ((uint)index < (uint)sequential.Count) return sequential[index];
        throw OutOfBounds(tap, $"index {index.ToString(CultureInfo.InvariantCulture)}", listName, sequential.Count);
    }

    /// <summary>Checks that a list of <paramref name="count"/> elements has the elements <c>start..end</c> a tap path's range selects.</summary>
    /// <param name="count">The list's length.</param>
    /// <param name="start">The range's first index.</param>
    /// <param name="end">The range's end (exclusive).</param>
    /// <param name="tap">The tap path as written (for the message).</param>
    /// <param name="listName">The list's name in the path (for the message).</param>
    /// <exception cref="InvalidOperationException">The list is shorter than <paramref name="end"/>; the message names the tap, the range and the list's length.</exception>
    public static void EnsureRange(int count, int start, int end, string tap, string listName)
    {
        if (end <= count) return;
        throw OutOfBounds(tap, $"range {start.ToString(CultureInfo.InvariantCulture)}..{end.ToString(CultureInfo.InvariantCulture)}", listName, count);
    }

    // A member the backbone's type declares but this instance leaves null (ResNetBlock.Downsample on an identity shortcut).
    private static InvalidOperationException Missing(string tap, string listName) =>
        new($"Tap '{tap}': '{listName}' is null in this backbone, so it has no elements to select; point the tap at a module that has one.");

    private static InvalidOperationException OutOfBounds(string tap, string selection, string listName, int count) =>
        new($"Tap '{tap}': {selection} is out of bounds; '{listName}' has {count.ToString(CultureInfo.InvariantCulture)} elements in this backbone.");

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

    /// <summary>
    /// The child registered as <paramref name="name"/> on <paramref name="parent"/>, for a tap path the compiler could not check
    /// (RT0040: it runs inside a compiled module type whose children are not visible to it).
    /// </summary>
    /// <typeparam name="T">The child's expected type.</typeparam>
    /// <param name="parent">The parent module.</param>
    /// <param name="name">The registered name (a name, or a list index).</param>
    /// <param name="tap">The tap path as written (for the message).</param>
    /// <returns>The child.</returns>
    /// <exception cref="InvalidOperationException">No such child (the message names the tap, the parent's type and the nearest registered names), or it has another type.</exception>
    public static T Child<T>(torch.nn.Module parent, string name, string tap) where T : torch.nn.Module
    {
        if (parent is null) throw new ArgumentNullException(nameof(parent));
        var children = parent.named_children().ToList();
        foreach (var (childName, child) in children)
        {
            if (childName != name) continue;
            return child as T ?? throw new InvalidOperationException(
                $"Tap '{tap}': '{name}' is a {child.GetType().Name} in {parent.GetType().Name} '{parent.GetName()}', not a {TypeName(typeof(T))}.");
        }
        var names = children.Select(c => c.name).ToList();
        var nearest = names.OrderBy(n => Distance(n, name)).ThenBy(n => n, StringComparer.Ordinal).Take(3).ToList();
        throw new InvalidOperationException(
            $"Tap '{tap}': {parent.GetType().Name} '{parent.GetName()}' has no registered child '{name}'" +
            (nearest.Count > 0 ? $"; nearest: {string.Join(", ", nearest)} (registered: {string.Join(", ", names)})." : "; it has no children."));
    }

    private static string TypeName(Type type) => type.IsGenericType ? type.Name.Substring(0, type.Name.IndexOf('`')) + "<Tensor, Tensor>" : type.Name;

    /// <summary>Levenshtein distance, ignoring case.</summary>
    private static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
