using ResTuning.Backbones;
using ResTuning.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ResTuning.Tests.Backbones;

/// <summary>
/// <see cref="BackboneRegistration"/>: a backbone whose module fields TorchSharp never registered (no
/// RegisterComponents() call, or NativeAOT's reflection seeing no fields) is refused with a message that says why.
/// </summary>
public class BackboneRegistrationTests
{
    [Fact]
    public void Backbone_that_calls_RegisterComponents_passes()
    {
        using var _ = Torch.Scope(seed: 1);
        var backbone = new RegisteredBackbone();
        BackboneRegistration.EnsureRegistered(backbone, "backbone");
        Assert.Equal(new[] { "stem", "blocks" }, backbone.named_children().Select(c => c.name));
    }

    [Fact]
    public void Backbone_that_registers_its_modules_explicitly_passes()
    {
        using var _ = Torch.Scope(seed: 2);
        BackboneRegistration.EnsureRegistered(new ExplicitBackbone());
        BackboneRegistration.EnsureRegistered(new VisionTransformer(new VitConfig(8, 4, 1, 8, 2, 2, 16, 3)));
    }

    [Fact]
    public void Backbone_without_RegisterComponents_throws_naming_its_type_and_fields()
    {
        using var _ = Torch.Scope(seed: 3);
        var backbone = new ForgetfulBackbone();
        Assert.Empty(backbone.parameters());

        var error = Assert.Throws<InvalidOperationException>(() => BackboneRegistration.EnsureRegistered(backbone, "backbone"));
        Assert.Contains("'backbone'", error.Message);
        Assert.Contains(typeof(ForgetfulBackbone).Name, error.Message);
        Assert.Contains("stem: Linear", error.Message);
        Assert.Contains("blocks: ModuleList<Sequential>", error.Message);
        Assert.Contains("RegisterComponents()", error.Message);
        Assert.Contains("NativeAOT", error.Message);
        Assert.Contains("register_module", error.Message);
    }

    [Fact]
    public void Fields_declared_on_a_base_type_and_component_names_are_reported()
    {
        using var _ = Torch.Scope(seed: 4);
        var error = Assert.Throws<InvalidOperationException>(() => BackboneRegistration.EnsureRegistered(new ForgetfulDerivedBackbone()));
        Assert.Contains("head: Linear", error.Message);       // declared on the derived type
        Assert.Contains("stem: Linear", error.Message);       // private field of the base type
        Assert.Contains("_norm (as 'norm'): LayerNorm", error.Message);
        Assert.Contains(typeof(ForgetfulDerivedBackbone).Name, error.Message);
    }

    [Fact]
    public void Reflection_that_sees_no_fields_as_under_NativeAOT_is_detected()
    {
        using var _ = Torch.Scope(seed: 5);
        var backbone = new BlindBackbone();      // calls RegisterComponents(), which (as under NativeAOT) registers nothing
        var error = Assert.Throws<InvalidOperationException>(() => BackboneRegistration.EnsureRegistered(backbone));
        Assert.Contains("fc: Linear", error.Message);
    }

    [Fact]
    public void Functional_backbone_without_module_fields_passes()
    {
        using var _ = Torch.Scope(seed: 6);
        var backbone = new FunctionalBackbone();
        Assert.False(backbone.named_children().Any());
        BackboneRegistration.EnsureRegistered(backbone);
        BackboneRegistration.EnsureRegistered(new NullFieldBackbone());   // a module field left null holds nothing to register
    }

    [Fact]
    public void The_check_is_repeatable_on_the_same_type()
    {
        using var _ = Torch.Scope(seed: 7);
        for (var i = 0; i < 2; i++)
        {
            BackboneRegistration.EnsureRegistered(new RegisteredBackbone());
            Assert.Throws<InvalidOperationException>(() => BackboneRegistration.EnsureRegistered(new ForgetfulBackbone()));
        }
    }

    [Fact]
    public void A_module_reached_by_its_path_must_be_registered_there()
    {
        using var _ = Torch.Scope(seed: 8);
        var vit = new VisionTransformer(new VitConfig(8, 4, 1, 8, 2, 2, 16, 3));
        BackboneRegistration.EnsureRegisteredAt(vit, "blocks.1.mlp", vit.Blocks[1].Mlp);
        BackboneRegistration.EnsureRegisteredAt(vit, "head", vit.Head);

        var nested = new NestedBlindBackbone();   // registers its block, whose own fields stay unregistered
        BackboneRegistration.EnsureRegistered(nested);
        var missing = Assert.Throws<InvalidOperationException>(() =>
            BackboneRegistration.EnsureRegisteredAt(nested, "block.fc", nested.Block.Fc, "backbone"));
        Assert.Contains("'block.fc'", missing.Message);
        Assert.Contains("'block' (BlindBlock) registers no child 'fc'", missing.Message);
        Assert.Contains("register_module", missing.Message);

        var other = Assert.Throws<InvalidOperationException>(() => BackboneRegistration.EnsureRegisteredAt(vit, "head", vit.Norm));
        Assert.Contains("registered as another module (Linear) than the one reached there (LayerNorm)", other.Message);
    }

    private sealed class RegisteredBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly Linear stem = nn.Linear(4, 4);
        private readonly ModuleList<Sequential> blocks = nn.ModuleList(nn.Sequential(nn.Linear(4, 4), nn.ReLU()));

        public RegisteredBackbone() : base(nameof(RegisteredBackbone)) => RegisterComponents();

        public override Tensor forward(Tensor input) => blocks[0].call(stem.call(input));
    }

    private sealed class ExplicitBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly Linear stem = nn.Linear(4, 4);

        public ExplicitBackbone() : base(nameof(ExplicitBackbone)) => register_module("stem", stem);

        public override Tensor forward(Tensor input) => stem.call(input);
    }

    private sealed class ForgetfulBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly Linear stem = nn.Linear(4, 4);
        private readonly ModuleList<Sequential> blocks = nn.ModuleList(nn.Sequential(nn.Linear(4, 4), nn.ReLU()));

        public ForgetfulBackbone() : base(nameof(ForgetfulBackbone)) { }

        public override Tensor forward(Tensor input) => blocks[0].call(stem.call(input));
    }

    private class ForgetfulBase : nn.Module<Tensor, Tensor>
    {
        private readonly Linear stem = nn.Linear(4, 4);
        [ComponentName(Name = "norm")] private readonly LayerNorm _norm = nn.LayerNorm(4);

        protected ForgetfulBase(string name) : base(name) { }

        public override Tensor forward(Tensor input) => _norm.call(stem.call(input));
    }

    private sealed class ForgetfulDerivedBackbone : ForgetfulBase
    {
        public readonly Linear head = nn.Linear(4, 2);

        public ForgetfulDerivedBackbone() : base(nameof(ForgetfulDerivedBackbone)) { }

        public override Tensor forward(Tensor input) => head.call(base.forward(input));
    }

    /// <summary>Stands for a module under NativeAOT: RegisterComponents runs but its reflection finds no field.</summary>
    private sealed class BlindBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc = nn.Linear(4, 4);

        public BlindBackbone() : base(nameof(BlindBackbone)) => RegisterComponents();

        protected override void RegisterComponents() { }

        public override Tensor forward(Tensor input) => fc.call(input);
    }

    private sealed class BlindBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc = nn.Linear(4, 4);

        public BlindBlock() : base(nameof(BlindBlock)) { }

        public Linear Fc => fc;

        protected override void RegisterComponents() { }

        public override Tensor forward(Tensor input) => fc.call(input);
    }

    private sealed class NestedBlindBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly BlindBlock block = new();

        public NestedBlindBackbone() : base(nameof(NestedBlindBackbone)) => register_module("block", block);

        public BlindBlock Block => block;

        public override Tensor forward(Tensor input) => block.call(input);
    }

    private sealed class FunctionalBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly double slope = 0.1;

        public FunctionalBackbone() : base(nameof(FunctionalBackbone)) { }

        public override Tensor forward(Tensor input) => nn.functional.leaky_relu(input, slope);
    }

    private sealed class NullFieldBackbone : nn.Module<Tensor, Tensor>
    {
        private readonly Linear? head = null;

        public NullFieldBackbone() : base(nameof(NullFieldBackbone)) { }

        public override Tensor forward(Tensor input) => head is null ? input : head.call(input);
    }
}
