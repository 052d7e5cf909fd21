using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tuners;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>
/// The generated models against hand-composed <see cref="ResParallel"/> runtime modules on the same weights:
/// same outputs and same gradients (float64).
/// </summary>
public sealed class EquivalenceTests : IDisposable
{
    private readonly ScalarType previousDtype;

    public EquivalenceTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(7);
    }

    public void Dispose() => set_default_dtype(previousDtype);

    /// <summary>The reference: ResParallel around each operator, composed by hand into the backbone's forward.</summary>
    private sealed class Reference : nn.Module<Tensor, Tensor>
    {
        private readonly NumBackbone backbone;
        private readonly ResParallel[] attention;
        private readonly ResParallel[] mlp;

        public Reference(NumBackbone backbone, ResParallel[] attention, ResParallel[] mlp) : base("reference")
        {
            this.backbone = backbone;
            this.attention = attention;
            this.mlp = mlp;
        }

        public override Tensor forward(Tensor x)
        {
            for (var i = 0; i < attention.Length; i++)
            {
                x = x + attention[i].forward(x);
                x = x + mlp[i].forward(x);
            }
            return backbone.head.call(x.mean(new long[] { 1 }));
        }
    }

    /// <summary>fc2(gelu(ResParallel(fc1 + LoRA)(x))): the MLP with its fc1 tuned.</summary>
    private sealed class TunedMlp(ResParallel fc1, Linear fc2) : nn.Module<Tensor, Tensor>("tuned_mlp")
    {
        public override Tensor forward(Tensor x) => fc2.call(nn.functional.gelu(fc1.forward(x)));
    }

    private static NumBackbone CopyOf(NumBackbone source)
    {
        var copy = new NumBackbone();
        copy.load_state_dict(source.state_dict());
        foreach (var p in copy.parameters()) p.requires_grad = false;
        return copy;
    }

    private static T Same<T>(T fresh, nn.Module source) where T : nn.Module
    {
        var from = source.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var to = fresh.named_parameters().ToList();
        Assert.Equal(from.Keys.OrderBy(k => k), to.Select(p => p.name).OrderBy(k => k));
        using (no_grad())
        {
            foreach (var (name, parameter) in to) parameter.copy_(from[name]);
        }
        return fresh;
    }

    [Fact]
    public void Generated_model_matches_hand_composed_ResParallel_in_outputs_and_gradients()
    {
        var model = new NumTuned(new NumBackbone());
        var copy = CopyOf(model.Backbone);
        copy.head.weight!.requires_grad = true;
        copy.head.bias!.requires_grad = true;

        var attention = new ResParallel[2];
        var mlp = new ResParallel[2];
        var handLoras = new LoRA[2];
        for (var i = 0; i < 2; i++)
        {
            var block = copy.blocks[i];
            attention[i] = new ResParallel(block.attn, name: $"blocks.{i}.attn");
            if (i == 1)
                attention[i].Add("prefix", Same(new ResPrefix(block.attn, 3, zeroInit: false), model.Taps["blocks.1.attn"].Tuner("prefix")));

            handLoras[i] = Same(new LoRA(8, 16, 2, 4, zeroInit: false), model.Taps[$"blocks.{i}.mlp.fc1"].Tuner("lora"));
            var fc1 = new ResParallel(block.mlp.fc1, name: $"blocks.{i}.mlp.fc1").Add("lora", handLoras[i]);
            var tap = model.Taps[$"blocks.{i}.mlp"];
            mlp[i] = new ResParallel(new TunedMlp(fc1, block.mlp.fc2), name: $"blocks.{i}.mlp")
                .Add("adapter", Same(new ResAdapter(8, 4, zeroInit: false), tap.Tuner("adapter")), Same(TunerScale.LearnedScalar(0.5), tap.Scale("adapter")));
        }
        var reference = new Reference(copy, attention, mlp);

        var x = randn(2, 5, 8);
        var expected = reference.forward(x);
        var actual = model.forward(x);
        Assert.True(allclose(actual, expected, rtol: 1e-10, atol: 1e-12), $"max diff {(actual - expected).abs().max().ToDouble()}");
        // The tuners matter: the tuned output differs from the frozen backbone's.
        Assert.False(allclose(actual, CopyOf(model.Backbone).forward(x), rtol: 1e-6, atol: 1e-6));

        actual.pow(2).sum().backward();
        expected.pow(2).sum().backward();

        var pairs = new List<(string Name, Parameter Generated, Parameter Hand)>
        {
            ("head.weight", model.Backbone.head.weight!, copy.head.weight!),
        };
        for (var i = 0; i < 2; i++)
        {
            AddPairs(pairs, $"blocks.{i}.mlp/adapter", model.Taps[$"blocks.{i}.mlp"].Tuner("adapter"), mlp[i].Tuner("adapter"));
            AddPairs(pairs, $"blocks.{i}.mlp/scale", model.Taps[$"blocks.{i}.mlp"].Scale("adapter"), mlp[i].Scale("adapter"));
        }
        AddPairs(pairs, "blocks.1.attn/prefix", model.Taps["blocks.1.attn"].Tuner("prefix"), attention[1].Tuner("prefix"));
        Assert.Equal(1 + (2 * 4) + 2 + 2, pairs.Count);
        foreach (var (name, generated, hand) in pairs)
        {
            Assert.NotNull(generated.grad);
            Assert.True(allclose(generated.grad!, hand.grad!, rtol: 1e-9, atol: 1e-11), $"gradient of {name} differs");
        }
        // LoRA gradients (inside the hand MLP) too.
        for (var i = 0; i < 2; i++)
        {
            var generatedLora = model.Taps[$"blocks.{i}.mlp.fc1"].Tuner("lora").parameters().ToList();
            var handLora = handLoras[i].parameters().ToList();
            Assert.Equal(2, generatedLora.Count);
            for (var k = 0; k < 2; k++) Assert.True(allclose(generatedLora[k].grad!, handLora[k].grad!, rtol: 1e-9, atol: 1e-11), $"LoRA gradient {i}/{k} differs");
        }
        // The backbone got no gradient, except the [Trainable] head.
        Assert.All(model.Backbone.blocks.SelectMany(b => b.parameters()), p => Assert.Null(p.grad));
    }

    private static void AddPairs(List<(string, Parameter, Parameter)> pairs, string name, nn.Module generated, nn.Module hand)
    {
        var g = generated.named_parameters().ToList();
        var h = hand.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (n, p) in g) pairs.Add(($"{name}.{n}", p, h[n]));
    }

    [Fact]
    public void Lambda_prompt_matches_ResParallel_with_a_lambda_scale()
    {
        var model = new NumLambda(new NumBackbone());
        var copy = CopyOf(model.Backbone);
        var block = copy.blocks[0];
        var prompt = Same(new ResPrompt(block.attn, 3), model.Taps["blocks.0.attn"].Tuner("prompt"));
        var parallel = new ResParallel(block.attn).Add("prompt", prompt, TunerScale.Lambda());

        var x = randn(2, 5, 8);
        var h = x + parallel.forward(x);
        h = h + block.mlp.call(h);
        h = copy.blocks[1].call(h);
        var expected = copy.head.call(h.mean(new long[] { 1 }));
        var actual = model.forward(x);
        Assert.True(allclose(actual, expected, rtol: 1e-10, atol: 1e-12));

        actual.sum().backward();
        expected.sum().backward();
        var generatedPrompt = model.Taps["blocks.0.attn"].Tuner("prompt").parameters().Single();
        Assert.True(allclose(generatedPrompt.grad!, prompt.parameters().Single().grad!, rtol: 1e-9, atol: 1e-11));
    }

    [Fact]
    public void Zero_initialised_model_equals_its_backbone_and_counts_match_the_constant()
    {
        var model = new NumZero(new NumBackbone());
        var x = randn(2, 5, 8);
        Assert.True(allclose(model.forward(x), CopyOf(model.Backbone).forward(x), rtol: 0, atol: 0));

        var counts = model.CountParameters();
        Assert.Equal(NumZero.TrainableParameterCount, counts.Trainable);
        Assert.Equal(2 * ((8 * 4) + 4 + (4 * 8) + 8), NumZero.TrainableParameterCount);
        Assert.Equal(counts.Trainable, model.TrainableParameters().Sum(p => p.numel()));
        Assert.All(model.NamedTrainableParameters(), p => Assert.StartsWith("taps.blocks_", p.Name));
        Assert.StartsWith($"trainable params: {counts.Trainable:N0} || all params: {counts.Total:N0}", counts.ToString());
    }

    [Fact]
    public void Merge_folds_LoRA_into_the_weights_and_unmerge_restores_them()
    {
        var model = new NumTuned(new NumBackbone());
        var x = randn(2, 5, 8);
        var before = model.forward(x).detach();
        var weight = model.Backbone.blocks[0].mlp.fc1.weight!.detach().clone();

        var merged = model.Merge();
        Assert.Equal(new[] { "blocks.0.mlp.fc1/lora", "blocks.1.mlp.fc1/lora" }, merged);
        Assert.False(allclose(model.Backbone.blocks[0].mlp.fc1.weight!, weight));
        model.eval(); // a merged model serves inference only: a training forward throws (see the lifecycle tests)
        Assert.True(allclose(model.forward(x), before, rtol: 1e-10, atol: 1e-12));

        Assert.Equal(merged, model.Unmerge());
        // Unmerging restores the weight bit for bit (the weight from before merging is kept), not W + Δ - Δ.
        Assert.True(model.Backbone.blocks[0].mlp.fc1.weight!.eq(weight).all().item<bool>());
        Assert.True(allclose(model.forward(x), before, rtol: 1e-10, atol: 1e-12));
    }

    [Fact]
    public void Only_tuners_and_trainable_modules_train()
    {
        var model = new NumTuned(new NumBackbone());
        var names = model.NamedTrainableParameters().Select(p => p.Name).ToList();
        Assert.Contains("backbone.head.weight", names);
        Assert.Contains("taps.blocks_0_mlp.tuners.adapter.down.weight", names);
        Assert.Contains("taps.blocks_0_mlp.scales.adapter.scale", names);
        Assert.Contains("taps.blocks_1_mlp_fc1.tuners.lora.lora_A", names);
        Assert.Contains("taps.blocks_1_attn.tuners.prefix.prefix_key", names);
        Assert.DoesNotContain(names, n => n.StartsWith("backbone.blocks", StringComparison.Ordinal));
        Assert.All(model.Backbone.blocks.SelectMany(b => b.parameters()), p => Assert.False(p.requires_grad));
        // Every parameter is listed once: backbone plus tuners (no frozen attention re-listed under a tuner).
        var backboneTotal = model.Backbone.parameters().Sum(p => p.numel());
        var tunerTotal = model.Taps.parameters().Sum(p => p.numel());
        Assert.Equal(backboneTotal + tunerTotal, model.CountParameters().Total);
        Assert.Equal(2 * 3 * 8, model.Taps["blocks.1.attn"].Tuner("prefix").parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Custom_tuner_output_is_added_to_each_mlp_as_written_by_hand()
    {
        var backbone = new NumBackbone();
        var model = new NumCustom(backbone);
        var input = randn(2, 3, NumBackbone.Width);
        var gates = Enumerable.Range(0, 2).Select(i => (NumGate)model.Taps[$"blocks.{i}.mlp"].Tuner("numgate")).ToArray();

        var output = model.call(input);
        // By hand: x + attn(x), then x + (mlp(x) + tanh(x·Wᵀ)), per block; then the head.
        var x = input;
        for (var i = 0; i < 2; i++)
        {
            var block = backbone.blocks[i];
            x = x + block.attn.forward(x);
            x = x + block.mlp.forward(x) + tanh(x.matmul(gates[i].Weight.t()));
        }
        var expected = backbone.head.forward(x.mean(new long[] { 1 }));

        Assert.True((output - expected).abs().max().ToDouble() < 1e-10);
        var grads = torch.autograd.grad(new[] { output.square().sum() }, gates.Select(g => g.Weight).ToArray(), retain_graph: true);
        var reference = torch.autograd.grad(new[] { expected.square().sum() }, gates.Select(g => g.Weight).ToArray());
        for (var i = 0; i < 2; i++) Assert.True((grads[i] - reference[i]).abs().max().ToDouble() < 1e-10, $"gate {i}");
        Assert.Equal(2 * NumBackbone.Width * NumBackbone.Width, model.CountParameters().Trainable);
    }

    [Fact]
    public void A_tap_the_backbone_never_calls_fails_the_first_forward()
    {
        var model = new NumSilent(new NumForwardCaller());
        var error = Assert.Throws<InvalidOperationException>(() => model.forward(randn(2, 5, 8)));
        Assert.Contains("'mlp' did not run", error.Message);
        Assert.Contains("call(x)", error.Message);
    }

    [Fact]
    public void A_private_field_is_reached_through_the_module_registry()
    {
        var model = new NumPrivateTuned(new NumPrivate());
        var tap = model.Taps["mlp"];
        Assert.Same(model.Backbone.Mlp_ForTests, tap.Operator);

        var x = randn(2, 5, 8);
        using var _ = no_grad();
        var expected = model.Backbone.Mlp_ForTests.forward(x) + tap.Tuner("adapter").forward(x);
        Assert.True(allclose(model.forward(x), expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Module_navigation_names_the_missing_child()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ResTuning.CompilerServices.ModuleNavigation.Child<Linear>(new NumMlp(), "fc3"));
        Assert.Contains("no registered child 'fc3'", error.Message);
        Assert.Contains("fc1, fc2", error.Message);
        Assert.IsType<Linear>(ResTuning.CompilerServices.ModuleNavigation.Child<Linear>(new NumMlp(), "fc2"));
    }

    [Fact]
    public void Taps_on_sequential_elements_run_and_match_the_hand_composition()
    {
        var model = new NumSequentialTuned(new NumSequential());
        Assert.Equal(new[] { "layers.0", "layers.1", "layers.2" }, model.Taps.Taps.Select(t => t.Path));

        var x = randn(2, 5, 8);
        using var _ = no_grad();
        var h = x;
        for (var i = 0; i < 3; i++)
        {
            var tap = model.Taps[$"layers.{i}"];
            h = tap.Operator.forward(h) + tap.Tuner("adapter").forward(h);
        }
        Assert.True(allclose(model.forward(x), h, rtol: 1e-12, atol: 1e-12));
        Assert.All(model.Taps.Taps, t => Assert.Equal(1, t.Calls));
    }
}
