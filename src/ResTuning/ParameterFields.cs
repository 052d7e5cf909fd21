namespace ResTuning;

/// <summary>
/// The modules of this library keep their own parameters in fields, read on every forward, instead of looking them up by
/// name. TorchSharp's <c>to(dtype/device)</c> replaces parameter objects: <c>Module._toEpilog</c> registers a converted
/// copy, disposes the old one, and updates a field only when reflection finds one whose component name matches, which
/// trimming and NativeAOT may hide. So each such module overrides <c>_toEpilog</c> and reads its fields back from the
/// registry here (as TorchSharp's own <c>Linear</c> resets its <c>weight</c> in <c>_to</c>); <c>load_state_dict</c>
/// copies in place and keeps the objects. The fields carry <c>[ComponentName]</c> with the registered name, so that
/// <c>RegisterComponents</c> sees them as registered already.
/// </summary>
internal static class ParameterFields
{
    /// <summary>The parameter <paramref name="module"/> registered as <paramref name="name"/>.</summary>
    public static Parameter Get(nn.Module module, string name) => module.get_parameter(name)
        ?? throw new InvalidOperationException($"Module '{module.GetName()}' no longer registers its parameter '{name}'.");

    /// <summary>The parameter <paramref name="module"/> registered as <paramref name="name"/>, or null when it has none.</summary>
    public static Parameter? Find(nn.Module module, string name) => module.get_parameter(name);
}
