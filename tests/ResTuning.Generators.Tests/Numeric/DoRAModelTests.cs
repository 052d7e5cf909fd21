using ResTuning.Tuners;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>DoRA on the linear head of <see cref="NumCnn"/> (8 → 3), through the DSL.</summary>
[ResTuning<NumCnn>]
[DoRA("head", Rank = 2, Alpha = 4)]
public partial class NumCnnDoRA;

/// <summary>
/// <c>[DoRA]</c> through the DSL: the generated model against the backbone with its head's weight replaced by the
/// decomposed weight written out by hand, <c>m ⊙ V/‖V‖_c</c> with <c>V = W + (α/r)·B·A</c>; the start as the backbone;
/// only A, B and m train; merging and unmerging through the generated members.
/// </summary>
public sealed class DoRAModelTests : IDisposable
{
    private readonly ScalarType previousDtype;

    public DoRAModelTests()
    {
        ResTuning.Native.TorchNatives.Initialize();
        previousDtype = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        manual_seed(11);
    }

    public void Dispose() => set_default_dtype(previousDtype);

    private static DoRA Dora(NumCnnDoRA model) => Assert.IsType<DoRA>(model.Taps["head"].Tuner("dora"));

    /// <summary>Random non-zero A, B and m, so the test sees every term.</summary>
    private static void Randomize(DoRA dora)
    {
        using (no_grad())
        {
            dora.A.copy_(randn(2, 8));
            dora.B.copy_(randn(3, 2) * 0.5);
            dora.Magnitude.copy_(rand(3) + 0.5);
        }
    }

    /// <summary>The backbone written out, its head's weight replaced by m ⊙ V/‖V‖_c (the norm detached, as PEFT does).</summary>
    private static Tensor Reference(NumCnn backbone, DoRA dora, Tensor x)
    {
        var h = nn.functional.relu(nn.functional.conv2d(x, backbone.convs[0].weight!, backbone.convs[0].bias, padding: new[] { 1L, 1L }));
        h = nn.functional.relu(nn.functional.conv2d(h, backbone.convs[1].weight!, backbone.convs[1].bias, strides: new[] { 2L, 2L }, padding: new[] { 1L, 1L }));
        var w = backbone.head.weight!.detach();
        var v = w + ((4.0 / 2) * dora.B.matmul(dora.A));
        var norm = v.detach().pow(2).sum(1).sqrt();
        var decomposed = (dora.Magnitude / norm).reshape(-1, 1) * v;
        return nn.functional.linear(h.mean(new long[] { 2, 3 }), decomposed, backbone.head.bias);
    }

    [Fact]
    public void The_generated_DoRA_equals_the_hand_written_decomposed_head()
    {
        var backbone = new NumCnn();
        var model = new NumCnnDoRA(backbone);
        var dora = Dora(model);
        Assert.Same(backbone.head, dora.Linear);
        Assert.Equal((2L, 4.0), (dora.Rank, dora.Alpha));
        Randomize(dora);
        var x = randn(2, 3, 9, 9);

        var output = model.call(x);
        Assert.True(allclose(output, Reference(backbone, dora, x), rtol: 1e-10, atol: 1e-12));

        output.sum().backward();
        Assert.All(new[] { dora.A, dora.B, dora.Magnitude }, p => Assert.True(p.grad is { } g && g.isfinite().all().item<bool>() && g.abs().sum().item<double>() > 0));
        Assert.All(backbone.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void It_starts_as_the_backbone_and_only_A_B_and_m_train()
    {
        var backbone = new NumCnn();
        var x = randn(2, 3, 9, 9);
        var plain = backbone.call(x).detach().clone();
        var model = new NumCnnDoRA(backbone);

        Assert.True(model.call(x).eq(plain).all().item<bool>());
        var names = model.NamedTrainableParameters().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "taps.head.tuners.dora.lora_A", "taps.head.tuners.dora.lora_B", "taps.head.tuners.dora.lora_magnitude_vector" }, names);
        // r·in + out·r + out.
        Assert.Equal((2 * 8) + (3 * 2) + 3, model.TrainableParameters().Sum(p => p.numel()));
        model.Dispose();
    }

    [Fact]
    public void Merge_folds_the_decomposed_weight_into_the_head_and_Unmerge_restores_it_bit_for_bit()
    {
        var backbone = new NumCnn();
        var model = new NumCnnDoRA(backbone);
        Randomize(Dora(model));
        model.eval();
        var x = randn(2, 3, 9, 9);
        var tuned = model.call(x).detach().clone();
        var weight = backbone.head.weight!.detach().clone();

        model.Merge();
        Assert.False(backbone.head.weight!.eq(weight).all().item<bool>());
        Assert.True(allclose(model.call(x), tuned, rtol: 1e-10, atol: 1e-12));

        model.Unmerge();
        Assert.True(backbone.head.weight!.eq(weight).all().item<bool>());
        Assert.True(model.call(x).eq(tuned).all().item<bool>());

        var merged = model.MergeAndUnload();
        Assert.True(allclose(merged.call(x), tuned, rtol: 1e-10, atol: 1e-12));
        model.Dispose();
    }
}
