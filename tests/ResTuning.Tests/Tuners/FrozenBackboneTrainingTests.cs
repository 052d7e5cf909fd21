using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>After optimizer steps only tuner parameters change; every backbone tensor stays bitwise identical.</summary>
public class FrozenBackboneTrainingTests
{
    private sealed class TinyBlock : nn.Module<Tensor, Tensor>
    {
        public readonly ResParallel attn;
        public readonly ResParallel fc1;
        public readonly ResParallel mlp;
        public readonly MultiHeadSelfAttention attention = new(16, 2);
        public readonly TorchSharp.Modules.Linear linear = nn.Linear(16, 16);
        public readonly nn.Module<Tensor, Tensor> feedForward = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Linear(32, 16));

        public TinyBlock() : base("block")
        {
            attn = new ResParallel(attention, name: "attn")
                .Add("prefix", new ResPrefix(attention, 3), TunerScale.Lambda())
                .Add("prompt", new ResPrompt(attention, 2), TunerScale.LearnedScalar(0));
            fc1 = new ResParallel(linear, name: "fc1").Add("lora", new LoRA(16, 16, 4, 8), TunerScale.LearnedPerChannel(16));
            mlp = new ResParallel(feedForward, name: "mlp").Add("adapter", new ResAdapter(16, 8));
            register_module("attn", attn);
            register_module("fc1", fc1);
            register_module("mlp", mlp);
        }

        public override Tensor forward(Tensor x)
        {
            x = x + attn.call(x);
            x = x + fc1.call(x);
            return x + mlp.call(x);
        }
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void Only_tuner_parameters_change_during_training(string optimizerName)
    {
        using var _ = Torch.Scope(seed: 60);
        var block = new TinyBlock();
        var backbone = new Dictionary<string, Tensor>();
        foreach (var (name, p) in block.named_parameters().Where(np => np.name.Contains(".op.")))
            backbone[name] = p.detach().clone();
        var tuners = block.named_parameters().Where(np => !np.name.Contains(".op.")).ToDictionary(np => np.name, np => np.parameter.detach().clone());
        Assert.NotEmpty(backbone);
        Assert.NotEmpty(tuners);

        var trainable = block.parameters().Where(p => p.requires_grad).ToList();
        Assert.Equal(tuners.Values.Sum(t => t.numel()), trainable.Sum(p => p.numel()));
        optim.Optimizer optimizer = optimizerName == "sgd" ? optim.SGD(trainable, 0.1) : optim.AdamW(trainable, 1e-2);

        var x = randn(4, 5, 16);
        var target = randn(4, 5, 16);
        for (var step = 0; step < 5; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(block.call(x), target);
            loss.backward();
            optimizer.step();
        }

        foreach (var (name, p) in block.named_parameters())
        {
            if (backbone.TryGetValue(name, out var before))
            {
                Assert.True(Torch.Same(p, before), $"backbone tensor {name} changed");
                Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0, $"backbone tensor {name} received a gradient");
            }
        }
        var changed = tuners.Count(kv => !Torch.Same(block.get_parameter(kv.Key)!, kv.Value));
        Assert.Equal(tuners.Count, changed);
    }

    [Fact]
    public void Parameter_counts_report_only_tuners_as_trainable()
    {
        using var _ = Torch.Scope(seed: 61);
        var linear = nn.Linear(10, 10);
        var tuned = new ResParallel(linear).Add("lora", new LoRA(10, 10, 2, 4));
        var counts = ParameterCounts.Of(tuned);
        Assert.Equal(2 * 10 + 10 * 2, counts.Trainable);
        Assert.Equal(110 + 40, counts.Total);
        Assert.Equal("trainable params: 40 || all params: 150 || trainable%: 26.6667", counts.ToString());
    }
}
