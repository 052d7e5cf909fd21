using System.IO;
using ResTuning.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using LoRAModule = ResTuning.Tuners.LoRA;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>
/// PEFT's lifecycle on generated models: stable checkpoint names, one interface, DisableTuners / Unload /
/// MergeAndUnload, what merging forbids, and Dispose giving the backbone back as it was. Every comparison is against the
/// plain backbone's own output, computed before it was wrapped.
/// </summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly ScalarType previousDtype;
    private readonly string folder = Path.Combine(Path.GetTempPath(), "restuning-lifecycle-" + Guid.NewGuid().ToString("N"));

    public LifecycleTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(11);
        Directory.CreateDirectory(folder);
    }

    public void Dispose()
    {
        set_default_dtype(previousDtype);
        Directory.Delete(folder, recursive: true);
    }

    private static Tensor Input() => randn(2, 5, NumBackbone.Width);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Dictionary<string, bool> RequiresGrad(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad);

    /// <summary>A few SGD steps on every trainable parameter (tuners and <c>[Trainable]</c> modules), as a user's training loop.</summary>
    private static void Train(ITunedModel model, int steps = 5)
    {
        Randomize(model);   // tuners built with ZeroInit = false start from uninitialised memory
        var optimizer = optim.SGD(model.TrainableParameters(), 1e-4);   // the random backbone's outputs are large
        var target = randn(2, 3);
        for (var i = 0; i < steps; i++)
        {
            optimizer.zero_grad();
            using var loss = (((nn.Module<Tensor, Tensor>)model).call(Input()) - target).square().mean();
            Assert.True(double.IsFinite(loss.item<double>()), "the training loss diverged");
            loss.backward();
            optimizer.step();
        }
    }

    private static Dictionary<string, Tensor> Head(NumBackbone backbone) =>
        backbone.head.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    private static void AssertSameHead(Dictionary<string, Tensor> expected, NumBackbone backbone)
    {
        var actual = Head(backbone);
        Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
        foreach (var (name, value) in expected) Assert.True(Same(value, actual[name]), "head." + name);
    }

    [Fact]
    public void A_trained_Trainable_module_is_switched_off_by_DisableTuners()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var plain = backbone.call(x).detach().clone();
        var original = Head(backbone);
        var model = new NumTuned(backbone);
        Train(model);
        var trainedHead = Head(backbone);
        Assert.False(Same(trainedHead["weight"], original["weight"]));
        var tuned = model.call(x).detach().clone();

        using (model.DisableTuners())
        {
            Assert.True(Same(model.call(x), plain));
            Assert.True(Same(backbone.call(x), plain));
            Assert.All(backbone.head.parameters(), p => Assert.False(p.requires_grad));
        }

        Assert.True(Same(model.call(x), tuned));
        AssertSameHead(trainedHead, backbone);
        Assert.All(backbone.head.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Unload_and_Dispose_return_the_backbone_as_it_was_after_training_a_Trainable_module()
    {
        foreach (var unload in new[] { true, false })
        {
            var backbone = new NumBackbone();
            var x = Input();
            var plain = backbone.call(x).detach().clone();
            var original = Head(backbone);
            var gradients = RequiresGrad(backbone);
            var model = new NumTuned(backbone);
            Train(model);
            Assert.False(Same(Head(backbone)["weight"], original["weight"]));

            if (unload) Assert.Same(backbone, model.Unload());
            model.Dispose();

            Assert.True(Same(backbone.call(x), plain), unload ? "Unload" : "Dispose");
            AssertSameHead(original, backbone);
            Assert.Equal(gradients, RequiresGrad(backbone));
        }
    }

    [Fact]
    public void MergeAndUnload_keeps_the_trained_Trainable_module()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var model = new NumLoRATrainable(backbone);
        Train(model);
        var tuned = model.call(x).detach().clone();
        var trainedHead = Head(backbone);

        var merged = model.MergeAndUnload();
        AssertSameHead(trainedHead, merged);
        model.Dispose();

        Assert.Same(backbone, merged);
        AssertSameHead(trainedHead, merged);
        Assert.True(allclose(merged.call(x), tuned, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Checkpoints_carry_the_trained_Trainable_module_under_its_backbone_names()
    {
        var path = Path.Combine(folder, "trainable.safetensors");
        manual_seed(5);
        var first = new NumBackbone();
        manual_seed(5);
        var second = new NumBackbone();
        var x = Input();
        var trained = new NumTuned(first);
        Train(trained);
        trained.SaveTuners(path);

        var names = SafeTensorsFile.Read(path).Keys.ToHashSet();
        Assert.Contains("backbone.head.weight", names);
        Assert.Contains("backbone.head.bias", names);
        var loaded = new NumTuned(second);
        loaded.LoadTuners(path);

        Assert.True(Same(loaded.call(x), trained.call(x)));
        AssertSameHead(Head(first), second);
        // Loading changed the trained values only: DisableTuners and Unload still give the untouched original.
        var plain = new NumTuned(NewSeeded(5)).Unload().call(x).detach().clone();
        using (loaded.DisableTuners()) Assert.True(Same(loaded.call(x), plain));
        Assert.True(Same(loaded.Unload().call(x), plain));
    }

    private static NumBackbone NewSeeded(int seed)
    {
        manual_seed(seed);
        return new NumBackbone();
    }

    /// <summary>Random tuner weights; a <c>[Trainable]</c> backbone module is left as it is.</summary>
    private static void Randomize(ITunedModel model)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.NamedTrainableParameters())
        {
            if (!name.StartsWith("backbone.", StringComparison.Ordinal)) p.copy_(randn_like(p) * 0.3);
        }
    }

    [Fact]
    public void Tuner_names_depend_on_the_tap_and_the_kind_or_Name_only()
    {
        var names = new NumNamed(new NumBackbone()).NamedTrainableParameters().Select(p => p.Name).ToHashSet();

        Assert.Contains("taps.blocks_0_mlp_fc1.tuners.lora.lora_A", names);
        Assert.Contains("taps.blocks_1_mlp_fc2.tuners.lora.lora_B", names);
        Assert.Contains("taps.blocks_0_mlp.tuners.adapter.down.weight", names);
        Assert.Contains("taps.blocks_0_mlp.tuners.wide.down.weight", names);
        // Reordered attributes: the same names.
        Assert.Equal(names, new NumNamedReordered(new NumBackbone()).NamedTrainableParameters().Select(p => p.Name).ToHashSet());
        // A LoRA on another module declared first renames nothing.
        var plus = new NumNamedPlus(new NumBackbone()).NamedTrainableParameters().Select(p => p.Name).ToHashSet();
        Assert.Subset(plus, names);
        Assert.Contains("taps.blocks_1_attn_qkv.tuners.lora.lora_A", plus);
    }

    [Fact]
    public void Tuners_saved_before_reordering_the_attributes_load_after_it()
    {
        var path = Path.Combine(folder, "tuners.safetensors");
        var saved = new NumNamed(new NumBackbone());
        Randomize(saved);
        saved.SaveTuners(path);

        var reordered = new NumNamedReordered(new NumBackbone());
        reordered.LoadTuners(path);

        var loaded = reordered.NamedTrainableParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in saved.NamedTrainableParameters())
            Assert.True(Same(parameter, loaded[name]), name);
        Assert.Equal(saved.NamedTrainableParameters().Count(), loaded.Count);
    }

    [Fact]
    public void Every_generated_model_is_an_ITunedModel_and_counts_the_backbone_once()
    {
        var backbone = new NumBackbone();
        var backboneTotal = backbone.parameters().Sum(p => p.numel());
        var models = new ITunedModel[] { new NumTuned(new NumBackbone()), new NumBypass(new NumBackbone()), new NumTasks(backbone) };

        foreach (var model in models)
        {
            var counts = model.CountParameters();
            Assert.Equal(model.TrainableParameters().Sum(p => p.numel()), counts.Trainable);
            Assert.True(counts.Trainable > 0);
        }

        // The multi-task total is the backbone once plus each task's bypass and head, counted independently here.
        var group = (NumTasks)models[2];
        var bypasses = group.NumBypass.Bypass.parameters().Sum(p => p.numel()) + group.NumBypassColors.Bypass.parameters().Sum(p => p.numel());
        Assert.Equal(new ParameterCounts(bypasses, backboneTotal + bypasses), group.CountParameters());
        Assert.Equal(group.NumBypass.Bypass.parameters().Sum(p => p.numel()) + backboneTotal, group.NumBypass.CountParameters().Total);
        // The backbone is no child of any task, so the state dict holds the tasks' bypasses only.
        Assert.DoesNotContain(group.state_dict().Keys, k => k.Contains("blocks", StringComparison.Ordinal) && !k.Contains("bypass", StringComparison.Ordinal));
        foreach (var model in models) model.Dispose();
    }

    [Fact]
    public void Inside_DisableTuners_the_model_and_the_backbone_compute_the_plain_backbone()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var plain = backbone.call(x).detach().clone();
        var model = new NumTuned(backbone);
        Randomize(model);
        var tuned = model.call(x).detach().clone();
        Assert.False(Same(tuned, plain));

        using (model.DisableTuners())
        {
            Assert.True(Same(model.call(x), plain));
            Assert.True(Same(backbone.call(x), plain));
        }
        Assert.True(Same(model.call(x), tuned));
    }

    [Fact]
    public void Unload_returns_the_backbone_as_it_was_even_from_merged()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var plain = backbone.call(x).detach().clone();
        var gradients = RequiresGrad(backbone);
        var model = new NumTuned(backbone);
        Randomize(model);
        model.Merge();

        var returned = model.Unload();

        Assert.Same(backbone, returned);
        Assert.True(Same(backbone.call(x), plain));
        Assert.Equal(gradients, RequiresGrad(backbone));
        Assert.All(model.Taps.Taps, t => Assert.False(t.IsAttached));
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("backbone.", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => model.call(x));
        model.Dispose();
        Assert.True(Same(backbone.call(x), plain));
    }

    [Fact]
    public void MergeAndUnload_folds_the_LoRAs_into_the_backbone_and_removes_every_hook()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var model = new NumLoRAOnly(backbone);
        Randomize(model);
        var tuned = model.call(x).detach().clone();

        var merged = model.MergeAndUnload();

        Assert.Same(backbone, merged);
        Assert.All(model.Taps.Taps, t => Assert.False(t.IsAttached));
        Assert.True(allclose(merged.call(x), tuned, rtol: 1e-10, atol: 1e-12));
        // No hook left: changing the (now unused) LoRA weights changes nothing.
        using (no_grad()) ((LoRAModule)model.Taps["blocks.0.mlp.fc1"].Tuner("lora")).B.add_(1.0);
        Assert.True(allclose(merged.call(x), tuned, rtol: 1e-10, atol: 1e-12));
        model.Dispose();
        Assert.True(allclose(backbone.call(x), tuned, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void MergeAndUnload_refuses_tuners_that_cannot_merge_and_changes_nothing()
    {
        var backbone = new NumBackbone();
        var x = Input();
        var model = new NumTuned(backbone);
        Randomize(model);
        var tuned = model.call(x).detach().clone();
        var weight = backbone.blocks[0].mlp.fc1.weight!.detach().clone();

        var error = Assert.Throws<InvalidOperationException>(() => model.MergeAndUnload());

        Assert.Contains("blocks.0.mlp/adapter", error.Message);
        Assert.True(Same(backbone.blocks[0].mlp.fc1.weight!, weight));
        Assert.True(Same(model.call(x), tuned));
    }

    [Fact]
    public void While_merged_training_changing_or_loading_tuners_and_disabling_throw()
    {
        var path = Path.Combine(folder, "merged.safetensors");
        var backbone = new NumBackbone();
        var x = Input();
        var model = new NumLoRAOnly(backbone);
        Randomize(model);
        model.SaveTuners(path);
        model.Merge();

        var training = Assert.Throws<InvalidOperationException>(() => model.call(x));
        Assert.Contains("Unmerge()", training.Message);
        model.eval();
        var inference = model.call(x).detach().clone();
        Assert.Throws<InvalidOperationException>(() => model.DisableTuners());
        var before = model.NamedTrainableParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        Assert.Throws<InvalidOperationException>(() => model.LoadTuners(path));
        foreach (var (name, parameter) in model.NamedTrainableParameters()) Assert.True(Same(parameter, before[name]), name);

        using (no_grad()) ((LoRAModule)model.Taps["blocks.1.mlp.fc2"].Tuner("lora")).A.mul_(2.0);
        var changed = Assert.Throws<InvalidOperationException>(() => model.call(x));
        Assert.Contains("blocks.1.mlp.fc2", changed.Message);

        // Unmerging restores the exact weights; the changed LoRA then runs unmerged, as a change should.
        model.Unmerge();
        model.train();
        var after = model.call(x);
        Assert.False(Same(after, inference));
    }

    [Fact]
    public void Dispose_removes_the_hooks_and_never_disposes_the_backbone()
    {
        var x = Input();
        foreach (var create in new Func<NumBackbone, ITunedModel>[] { b => new NumTuned(b), b => new NumBypass(b), b => new NumTasks(b) })
        {
            var backbone = new NumBackbone();
            var plain = backbone.call(x).detach().clone();
            var gradients = RequiresGrad(backbone);
            var model = create(backbone);
            Randomize(model);
            _ = ((nn.Module)model).named_parameters().Count();

            model.Dispose();

            Assert.True(Same(backbone.call(x), plain), model.GetType().Name);
            Assert.Equal(gradients, RequiresGrad(backbone));
            Assert.Equal(gradients.Count, backbone.parameters().Count());
        }
    }

    [Fact]
    public void A_backbone_that_registered_nothing_is_refused_at_construction()
    {
        // What NativeAOT does to TorchSharp's reflection-based registration; without the check the model would
        // train silently wrong (nothing frozen, counted or saved).
        foreach (var create in new Func<NumUnregistered, object>[] { b => new NumUnregisteredTuned(b), b => new NumUnregisteredBypass(b) })
        {
            var error = Assert.Throws<InvalidOperationException>(() => create(new NumUnregistered()));
            Assert.Contains("mlp", error.Message);
            Assert.Contains("register_module", error.Message);
        }
    }
}
