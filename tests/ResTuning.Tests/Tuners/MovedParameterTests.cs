using ResTuning.Backbones;
using ResTuning.Bypass;
using ResTuning.Operators;
using ResTuning.Parallel;
using ResTuning.Tests.Backbones;
using ResTuning.Tests.Support;
using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Tests.Tuners;

/// <summary>
/// Modules keep their own parameters in fields (no lookup by name on every forward). <c>to(...)</c> replaces parameter
/// objects in TorchSharp's registry and <c>load_state_dict</c> copies into them: the fields must follow both.
/// </summary>
public class MovedParameterTests
{
    [Fact]
    public void LoRA_moved_to_float64_computes_with_the_moved_parameters()
    {
        using var _ = Torch.Scope(seed: 60);
        var lora = new LoRA(6, 5, rank: 3, alpha: 12, zeroInit: false);
        var x = randn(4, 6);
        var before = lora.call(x).detach().clone();

        lora.to(ScalarType.Float64);
        var a = lora.get_parameter("lora_A")!;
        var b = lora.get_parameter("lora_B")!;
        var y = lora.call(x.to(ScalarType.Float64));

        Assert.Same(a, lora.A);
        Assert.Same(b, lora.B);
        Assert.Equal(ScalarType.Float64, a.dtype);
        Assert.Equal(ScalarType.Float64, y.dtype);
        var reference = x.to(ScalarType.Float64).matmul(a.t()).matmul(b.t()) * (12.0 / 3.0);
        Assert.True(Torch.MaxAbsDiff(y, reference) <= 1e-12);
        Assert.True(Torch.MaxAbsDiff(y.to(ScalarType.Float32), before) <= 1e-5);
        // Training reaches the registered parameters, the ones an optimizer gets from parameters().
        y.sum().backward();
        Assert.NotNull(a.grad);
        Assert.NotNull(b.grad);
        Assert.Equal(ScalarType.Float64, lora.DeltaWeight().dtype);
    }

    [Fact]
    public void LoRA_loaded_from_a_state_dict_computes_with_the_loaded_parameters()
    {
        using var _ = Torch.Scope(seed: 61);
        var trained = new LoRA(6, 5, rank: 3, alpha: 12, zeroInit: false);
        var fresh = new LoRA(6, 5, rank: 3, alpha: 12);
        var moved = new LoRA(6, 5, rank: 3, alpha: 12).to(ScalarType.Float64);
        var x = randn(4, 6);

        fresh.load_state_dict(trained.state_dict());
        moved.load_state_dict(trained.state_dict());

        Assert.True(Torch.Same(trained.call(x), fresh.call(x)));
        Assert.Equal(ScalarType.Float64, moved.A.dtype);
        Assert.True(Torch.MaxAbsDiff(trained.call(x).to(ScalarType.Float64), moved.call(x.to(ScalarType.Float64))) <= 1e-5);
        Assert.True(Torch.MaxAbsDiff(trained.DeltaWeight().to(ScalarType.Float64), moved.DeltaWeight()) <= 1e-5);
    }

    [Fact]
    public void Tuners_and_scales_inside_a_moved_wrapper_compute_with_the_moved_parameters()
    {
        using var _ = Torch.Scope(seed: 62);
        var attention = new MultiHeadSelfAttention(8, 2);
        var prefix = new ResPrefix(attention, 3, zeroInit: false, initStd: 0.5);
        var prompt = new ResPrompt(attention, 2);
        var lora = new LoRA(8, 8, rank: 2, alpha: 4, zeroInit: false);
        var perChannel = TunerScale.LearnedPerChannel(8, 0.5);
        var tuned = new ResParallel(attention)
            .Add("prefix", prefix, TunerScale.LearnedScalar(0.7))
            .Add("prompt", prompt, perChannel)
            .Add("lora", lora);
        var x = randn(2, 4, 8);
        var before = tuned.call(x).detach().clone();

        tuned.to(ScalarType.Float64);
        var y = tuned.call(x.to(ScalarType.Float64));

        Assert.Equal(ScalarType.Float64, y.dtype);
        Assert.True(Torch.MaxAbsDiff(y.to(ScalarType.Float32), before) <= 1e-5);
        Assert.Same(prefix.get_parameter("prefix_key"), prefix.PrefixKey);
        Assert.Same(prefix.get_parameter("prefix_value"), prefix.PrefixValue);
        Assert.Same(prompt.get_parameter("prompt"), prompt.Prompt);
        Assert.Same(lora.get_parameter("lora_A"), lora.A);
        Assert.Same(perChannel.get_parameter("scale"), perChannel.Parameter);
        Assert.Equal(ScalarType.Float64, perChannel.Parameter!.dtype);
        Assert.Null(TunerScale.Fixed(2).to(ScalarType.Float64).Parameter);
    }

    [Fact]
    public void A_learned_mix_and_a_vit_compute_with_their_moved_parameters()
    {
        using var _ = Torch.Scope(seed: 63);
        var mix = BypassMix.LearnedLambda(0.3);
        var vit = new VisionTransformer(VisionTransformerTests.TinyConfig);
        var (lateral, vertical, images) = (randn(2, 3), randn(2, 3), randn(2, 3, 8, 8));
        var mixed = mix.call(lateral, vertical).detach().clone();
        var logits = vit.call(images).detach().clone();

        mix.to(ScalarType.Float64);
        vit.to(ScalarType.Float64);

        Assert.Same(mix.get_parameter("lambda"), mix.LambdaParameter);
        Assert.Same(vit.get_parameter("cls_token"), vit.ClsToken);
        Assert.Same(vit.get_parameter("pos_embed"), vit.PosEmbed);
        Assert.Equal(ScalarType.Float64, vit.PosEmbed.dtype);
        Assert.Null(BypassMix.Sum().to(ScalarType.Float64).LambdaParameter);
        var mixed64 = mix.call(lateral.to(ScalarType.Float64), vertical.to(ScalarType.Float64));
        var logits64 = vit.call(images.to(ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, logits64.dtype);
        Assert.True(Torch.MaxAbsDiff(mixed64.to(ScalarType.Float32), mixed) <= 1e-6);
        Assert.True(Torch.MaxAbsDiff(logits64.to(ScalarType.Float32), logits) <= 1e-5);
    }
}
