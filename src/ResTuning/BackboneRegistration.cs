using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace ResTuning;

/// <summary>
/// Detects, when a tuned model is built, a backbone whose submodules TorchSharp never registered, so that a model
/// cannot train silently wrong (its weights neither frozen, trained, counted nor saved).
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp finds a module's submodules, parameters and buffers by reflection over its fields in
/// <c>Module.RegisterComponents()</c>, which a module's constructor calls (and <c>register_module</c> calls on the
/// module it registers). Two things leave a backbone with nothing registered: a constructor that never calls
/// <c>RegisterComponents()</c> nor <c>register_module</c>, and NativeAOT, where that reflection does not see fields
/// whose metadata the compiler did not keep. Registering every submodule explicitly with <c>register_module</c> in the
/// constructor works everywhere, NativeAOT included, and needs no reflection.
/// </para>
/// <para>
/// Generated models call <see cref="EnsureRegistered{TBackbone}"/> from their constructors. The fields of each backbone
/// type are read by reflection once and cached.
/// </para>
/// </remarks>
public static class BackboneRegistration
{
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> ModuleFieldsByType = new();

    /// <summary>
    /// Throws when <paramref name="backbone"/> has instance fields holding modules (over its type hierarchy,
    /// <c>ModuleList</c>, <c>ModuleDict</c> and <c>Sequential</c> included) but registers no submodule, parameter
    /// or buffer at all: TorchSharp's registration did not run or, under NativeAOT, did not see the fields.
    /// </summary>
    /// <typeparam name="TBackbone">
    /// The backbone's type. Its fields, and those of its base types, are kept for reflection when the application is
    /// trimmed or compiled with NativeAOT, so that this check (and TorchSharp's <c>RegisterComponents</c>) can see them.
    /// </typeparam>
    /// <param name="backbone">The backbone a tuned model is built on.</param>
    /// <param name="backboneName">How the message names the backbone (e.g. the model's <c>backbone</c>); its type name when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="backbone"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The backbone has module fields but registers nothing. The message names its type and those fields, says why
    /// and how to fix it.
    /// </exception>
    /// <remarks>
    /// A backbone with no module fields (a purely functional one) passes, as does one that registers its modules
    /// under other names. Modules nested inside the backbone's children are not inspected: their own types' fields may
    /// be invisible under NativeAOT; <see cref="EnsureRegisteredAt"/> checks a module reached by its path instead.
    /// </remarks>
    public static void EnsureRegistered<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TBackbone>(
        TBackbone backbone, string? backboneName = null)
        where TBackbone : nn.Module
    {
        if (backbone is null) throw new ArgumentNullException(nameof(backbone));
        if (RegistersAnything(backbone)) return;

        var held = new List<string>();
        foreach (var field in ModuleFields(backbone.GetType()))
        {
            if (field.GetValue(backbone) is not nn.Module module) continue;
            var registeredName = field.ComponentName();
            held.Add((registeredName == field.Name ? field.Name : $"{field.Name} (as '{registeredName}')")
                     + $": {FriendlyName(module.GetType())}");
        }
        if (held.Count == 0) return;

        throw new InvalidOperationException(
            $"{Describe(backbone, backboneName)} registers no submodules, parameters or buffers, but its fields hold modules: " +
            $"{string.Join(", ", held)}. " +
            "TorchSharp registers a module's fields by reflection in RegisterComponents(): either the backbone's constructor " +
            "never calls RegisterComponents() (nor register_module for these fields), or the application runs under NativeAOT, " +
            "where that reflection does not see the fields. A tuned model would neither freeze, train, count nor save its " +
            "weights, and [Trainable] paths would find nothing. Fix the backbone: in its constructor call register_module(\"name\", field) for each " +
            "module field (and register_parameter/register_buffer for tensors), which works under NativeAOT too, or call " +
            "RegisterComponents() at the end of the constructor when not publishing with NativeAOT.");
    }

    /// <summary>
    /// Throws unless <paramref name="module"/> is registered in <paramref name="backbone"/> under
    /// <paramref name="path"/> (registered names separated by dots, e.g. <c>blocks.3.mlp</c>), walking
    /// <c>named_children()</c> only, without reflection, so that it also holds under NativeAOT.
    /// </summary>
    /// <param name="backbone">The backbone a tuned model is built on.</param>
    /// <param name="path">The registered path of <paramref name="module"/> in the backbone.</param>
    /// <param name="module">The module the caller reached at that path (e.g. through the backbone's fields).</param>
    /// <param name="backboneName">How the message names the backbone; its type name when null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// A module on the path does not register the next one, or registers another module at the end of the path. The
    /// message names the first unregistered step, the registered children there, why and how to fix it.
    /// </exception>
    public static void EnsureRegisteredAt(nn.Module backbone, string path, nn.Module module, string? backboneName = null)
    {
        if (backbone is null) throw new ArgumentNullException(nameof(backbone));
        if (path is null) throw new ArgumentNullException(nameof(path));
        if (module is null) throw new ArgumentNullException(nameof(module));

        nn.Module current = backbone;
        var walked = new List<string>();
        foreach (var segment in path.Split('.'))
        {
            nn.Module? next = null;
            foreach (var (name, child) in current.named_children())
            {
                if (name == segment) { next = child; break; }
            }
            if (next is null)
            {
                var where = walked.Count == 0 ? "the backbone" : $"'{string.Join(".", walked)}' ({FriendlyName(current.GetType())})";
                var children = current.named_children().Select(c => c.name).ToList();
                throw new InvalidOperationException(
                    $"{Describe(backbone, backboneName)}: the module at '{path}' is not registered: {where} registers no child " +
                    $"'{segment}' (its registered children: {(children.Count == 0 ? "none" : string.Join(", ", children))}). " +
                    "TorchSharp registers a module's fields by reflection in RegisterComponents(), which NativeAOT cannot see " +
                    "through, and which runs only when the constructor (or a parent's register_module) calls it. Register each " +
                    $"submodule explicitly with register_module(\"name\", field) in the constructor of {FriendlyName(current.GetType())}.");
            }
            walked.Add(segment);
            current = next;
        }
        if (!ReferenceEquals(current, module))
            throw new InvalidOperationException(
                $"{Describe(backbone, backboneName)}: '{path}' is registered as another module ({FriendlyName(current.GetType())}) " +
                $"than the one reached there ({FriendlyName(module.GetType())}); register the module the field holds (register_module " +
                "after assigning the field, and again when replacing it).");
    }

    private static bool RegistersAnything(nn.Module module) =>
        module.named_children().Any() || module.named_parameters(recurse: false).Any() || module.named_buffers(recurse: false).Any();

    private static FieldInfo[] ModuleFields(Type type) => ModuleFieldsByType.GetOrAdd(type, ScanModuleFields);

    // The instance fields whose declared type is a module, over the type hierarchy (the first declaration of a name
    // wins, as in RegisterComponents). Under trimming and NativeAOT only the fields whose metadata was kept are visible;
    // EnsureRegistered's annotation keeps those of the backbone's static type and its base types.
    [UnconditionalSuppressMessage("Trimming", "IL2070",
        Justification = "Best effort: fields whose metadata was not kept are not reported. EnsureRegistered<TBackbone> keeps the fields of TBackbone and its base types.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "As above, for the base types.")]
    private static FieldInfo[] ScanModuleFields(Type type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fields = new List<FieldInfo>();
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!seen.Add(field.Name)) continue;
                if (typeof(nn.Module).IsAssignableFrom(field.FieldType)) fields.Add(field);
            }
        }
        return fields.ToArray();
    }

    private static string Describe(nn.Module backbone, string? backboneName) =>
        backboneName is null
            ? $"Backbone {FriendlyName(backbone.GetType(), full: true)}"
            : $"Backbone '{backboneName}' ({FriendlyName(backbone.GetType(), full: true)})";

    // "ModuleList<VitBlock>"; with full, the namespace and containing types too ("MyApp.Models.Encoder").
    private static string FriendlyName(Type type, bool full = false)
    {
        var name = full ? (type.FullName ?? type.Name).Replace('+', '.') : type.Name;
        if (!type.IsGenericType) return name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(a => FriendlyName(a)))}>";
    }
}
