namespace ResTuning.Parallel;

/// <summary>
/// A named container of submodules with no forward of its own. Registers each child explicitly,
/// so state-dict names are <c>{group}.{child}.*</c> without reflection (trimming/AOT friendly).
/// </summary>
internal sealed class ModuleGroup : nn.Module
{
    public ModuleGroup(string name) : base(name)
    {
    }

    public void Add(string name, nn.Module module) => register_module(name, module);
}
