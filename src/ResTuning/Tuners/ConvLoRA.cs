using TorchSharp.Utils;

namespace ResTuning.Tuners;

/// <summary>
/// LoRA on a frozen <see cref="Conv2d"/>, as PEFT builds it: <c>R(x) = (α/r)·B(A(dropout(x)))</c>, where A is a convolution
/// with the frozen conv's kernel size, stride, padding and dilation (in → r channels, no bias) and B a 1×1 convolution
/// (r → out channels, no bias). Added to the frozen conv's output: <c>y = conv(x) + R(x)</c>.
/// </summary>
/// <remarks>
/// <para>Parameters follow PEFT's state dict: <c>lora_A</c> <c>[r, in, kh, kw]</c> (Kaiming-uniform) and <c>lora_B</c>
/// <c>[out, r, 1, 1]</c> (zero when <c>zeroInit</c>). Unlike PEFT, A also takes the frozen conv's dilation, so that the
/// update is exactly a weight delta of the frozen conv for dilated convolutions too.</para>
/// <para>Mergeable: because B is 1×1, the tuner is the convolution with weight
/// <c>(α/r)·(B.view(out, r) @ A.view(r, -1)).view(out, in, kh, kw)</c> (<see cref="DeltaWeight"/>).
/// <see cref="Merge"/> adds it to the frozen conv's weight and <see cref="Unmerge"/> restores that weight bit for bit.
/// <see cref="Parallel.ResParallel"/> merges only LoRA on a <see cref="Linear"/>; a ConvLoRA is merged through its own
/// <see cref="Merge"/>/<see cref="Unmerge"/>.</para>
/// <para>Only convolutions with <c>groups == 1</c> and zero padding mode are supported; inputs are batched
/// <c>[N, C, H, W]</c> feature maps.</para>
/// </remarks>
public sealed class ConvLoRA : LowRankTuner
{
    private readonly long[] kernelSize;
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    // While merged: the conv the update was added to and its weight from before (so unmerging restores it bit for bit).
    private Conv2d? mergedInto;
    private Tensor? weightBeforeMerge;

    /// <summary>Creates a LoRA tuner for a square-kernel convolution with <c>groups == 1</c>.</summary>
    /// <param name="inChannels">Input channels of the frozen conv.</param>
    /// <param name="outChannels">Output channels of the frozen conv.</param>
    /// <param name="rank">Rank r (positive): the channels between A and B.</param>
    /// <param name="alpha">Scaling α (positive); the update is scaled by α/r.</param>
    /// <param name="kernelSize">The frozen conv's kernel size (positive).</param>
    /// <param name="stride">The frozen conv's stride (positive).</param>
    /// <param name="padding">The frozen conv's zero padding (0 or positive).</param>
    /// <param name="dilation">The frozen conv's dilation (positive).</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B (PEFT's default) so the tuner starts at zero.</param>
    /// <param name="name">Module name used in messages.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its valid range; the exception names the parameter
    /// and says the range in the generator's words (<c>"LoRA rank must be positive."</c>).</exception>
    public ConvLoRA(long inChannels, long outChannels, long rank, double alpha, long kernelSize = 1, long stride = 1, long padding = 0,
        long dilation = 1, double dropout = 0.0, bool zeroInit = true, string name = "conv_lora")
        : this(inChannels, outChannels, rank, alpha, new[] { kernelSize, kernelSize }, new[] { stride, stride }, new[] { padding, padding },
            new[] { dilation, dilation }, dropout, zeroInit, name)
    {
    }

    private ConvLoRA(long inChannels, long outChannels, long rank, double alpha, long[] kernelSize, long[] stride, long[] padding,
        long[] dilation, double dropout, bool zeroInit, string name)
        : base(name, "LoRA", rank, alpha, dropout, zeroInit, Shapes(inChannels, outChannels, rank, kernelSize, stride, padding, dilation))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
    }

    // A [r, in, kh, kw], B [out, r, 1, 1]; the conv's geometry checked before any tensor exists.
    private static (long[], long[]) Shapes(long inChannels, long outChannels, long rank, long[] kernelSize, long[] stride, long[] padding, long[] dilation)
    {
        RangeGuard.Check(ValidRange.Positive, inChannels, nameof(inChannels), "ConvLoRA input channels");
        RangeGuard.Check(ValidRange.Positive, outChannels, nameof(outChannels), "ConvLoRA output channels");
        RangeGuard.Check(ValidRange.Positive, kernelSize, nameof(kernelSize), "ConvLoRA kernel size");
        RangeGuard.Check(ValidRange.Positive, stride, nameof(stride), "ConvLoRA stride");
        RangeGuard.Check(ValidRange.NonNegative, padding, nameof(padding), "ConvLoRA padding");
        RangeGuard.Check(ValidRange.Positive, dilation, nameof(dilation), "ConvLoRA dilation");
        return (new[] { rank, inChannels, kernelSize[0], kernelSize[1] }, new[] { outChannels, rank, 1L, 1L });
    }

    /// <summary>
    /// Creates a LoRA tuner for <paramref name="conv"/>, reading its channels, kernel size, stride, padding and dilation.
    /// Does not attach or freeze anything: add the tuner's output to the conv's (e.g. with <see cref="Parallel.ResParallel"/>).
    /// </summary>
    /// <param name="conv">The frozen convolution (groups == 1, zero padding mode).</param>
    /// <param name="rank">Rank r (positive).</param>
    /// <param name="alpha">Scaling α (positive); the update is scaled by α/r.</param>
    /// <param name="dropout">Dropout on the tuner's input, in [0, 1).</param>
    /// <param name="zeroInit">Zero-initialise B (PEFT's default) so the tuner starts at zero.</param>
    /// <param name="name">Module name used in messages.</param>
    /// <returns>The tuner.</returns>
    /// <exception cref="ArgumentException">The conv has <c>groups != 1</c>, a padding mode other than zeros, or
    /// <c>padding: same</c> with an odd total padding (asymmetric).</exception>
    public static ConvLoRA For(Conv2d conv, long rank, double alpha, double dropout = 0.0, bool zeroInit = true, string name = "conv_lora")
    {
        if (conv is null) throw new ArgumentNullException(nameof(conv));
        var shape = $"Conv2d '{conv.GetName()}' ({conv.in_channels} → {conv.out_channels} channels, kernel {Format(conv.kernel_size)})";
        if (conv.groups != 1)
            throw new ArgumentException($"{name}: ConvLoRA supports only convolutions with groups == 1; {shape} has groups = {conv.groups}.", nameof(conv));
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new ArgumentException($"{name}: ConvLoRA supports only zero padding; {shape} pads with {conv.padding_mode}.", nameof(conv));
        var kernel = Pair(conv.kernel_size, nameof(conv.kernel_size), shape);
        var dilation = Pair(conv.dilation, nameof(conv.dilation), shape);
        long[] padding;
        if (conv.padding is not null)
        {
            padding = Pair(conv.padding, nameof(conv.padding), shape);
        }
        else if (conv.padding_type == TorchSharp.Padding.Same)
        {
            // 'same' pads dilation·(k-1) in total per dimension; exact as symmetric padding only when that is even.
            var total = new[] { dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1) };
            if (total.Any(t => t % 2 != 0))
                throw new ArgumentException($"{name}: {shape} uses padding 'same' with an asymmetric total padding {Format(total)}; ConvLoRA supports symmetric padding only.", nameof(conv));
            padding = new[] { total[0] / 2, total[1] / 2 };
        }
        else
        {
            padding = new long[] { 0, 0 };
        }
        return new ConvLoRA(conv.in_channels, conv.out_channels, rank, alpha, kernel, Pair(conv.stride, nameof(conv.stride), shape),
            padding, dilation, dropout, zeroInit, name);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel size of A (and of the frozen conv), <c>[kh, kw]</c>.</summary>
    public IReadOnlyList<long> KernelSize => kernelSize;

    /// <summary>Stride of A (and of the frozen conv), <c>[sh, sw]</c>.</summary>
    public IReadOnlyList<long> Stride => stride;

    /// <summary>Zero padding of A (and of the frozen conv), <c>[ph, pw]</c>.</summary>
    public IReadOnlyList<long> Padding => padding;

    /// <summary>Dilation of A (and of the frozen conv), <c>[dh, dw]</c>.</summary>
    public IReadOnlyList<long> Dilation => dilation;

    /// <summary>True while the update is merged into a conv's weight (see <see cref="Merge"/>).</summary>
    public bool IsMerged => mergedInto is not null;

    /// <summary>Computes <c>(α/r)·B(A(dropout(x)))</c> for a <c>[N, in, H, W]</c> feature map.</summary>
    /// <exception cref="TunerShapeException">The input is not a 4-D map with <see cref="InChannels"/> channels.</exception>
    /// <exception cref="InvalidOperationException">The tuner is merged (its update is in the conv's weight already).</exception>
    public override Tensor forward(Tensor x)
    {
        if (IsMerged)
            throw new InvalidOperationException($"{GetName()}: the tuner is merged into the weight of '{mergedInto!.GetName()}', which already computes its update; call Unmerge before running the tuner.");
        ShapeChecks.FeatureMap(GetName(), x, InChannels);
        var h = Dropped(x);
        var a = NarrowConvolution.Conv2d(h, A, stride, padding, dilation);
        Temporaries.Free(h, x);
        var b = nn.functional.conv2d(a, B);
        a.Dispose();
        var output = b * Scaling;
        b.Dispose();
        return output;
    }

    /// <summary>The weight update <c>(α/r)·(B.view(out, r) @ A.view(r, -1)).view(out, in, kh, kw)</c> that merging adds to the frozen weight.</summary>
    /// <returns>A new tensor <c>[out, in, kh, kw]</c>.</returns>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        var delta = B.view(OutChannels, Rank).matmul(A.view(Rank, -1)).view(OutChannels, InChannels, kernelSize[0], kernelSize[1]) * Scaling;
        return delta.MoveToOuterDisposeScope();
    }

    /// <summary>The frozen weight with the update added, <c>W + (α/r)·B⊗A</c>; <paramref name="convWeight"/> is not changed.</summary>
    /// <param name="convWeight">The frozen conv's weight, <c>[out, in, kh, kw]</c>.</param>
    /// <returns>A new tensor with the dtype and device of <paramref name="convWeight"/>.</returns>
    /// <exception cref="TunerShapeException">The weight's shape does not match the tuner.</exception>
    public Tensor MergedWeight(Tensor convWeight)
    {
        if (convWeight is null) throw new ArgumentNullException(nameof(convWeight));
        CheckWeight(convWeight);
        using var scope = NewDisposeScope();
        var merged = convWeight + DeltaWeight().to(convWeight.dtype, convWeight.device);
        return merged.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Adds the update to <paramref name="conv"/>'s weight in place (<c>W += (α/r)·B⊗A</c>), keeping the original weight so
    /// that <see cref="Unmerge"/> restores it exactly. While merged, <see cref="forward"/> refuses to run (the conv computes
    /// the update already).
    /// </summary>
    /// <param name="conv">The frozen convolution this tuner was built for.</param>
    /// <exception cref="InvalidOperationException">The tuner is merged already.</exception>
    /// <exception cref="TunerShapeException">The conv's weight does not match the tuner.</exception>
    public void Merge(Conv2d conv)
    {
        if (conv is null) throw new ArgumentNullException(nameof(conv));
        if (IsMerged)
            throw new InvalidOperationException($"{GetName()}: the tuner is merged into '{mergedInto!.GetName()}' already; call Unmerge first.");
        if (conv.groups != 1)
            throw new ArgumentException($"{GetName()}: ConvLoRA merges only into convolutions with groups == 1; Conv2d '{conv.GetName()}' has groups = {conv.groups}.", nameof(conv));
        var weight = conv.weight;
        CheckWeight(weight);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            weightBeforeMerge = weight.detach().clone().DetachFromDisposeScope();
            weight.add_(DeltaWeight().to(weight.dtype, weight.device));
        }
        mergedInto = conv;
    }

    /// <summary>Undoes <see cref="Merge"/>: <paramref name="conv"/>'s weight gets back its exact value from before merging.</summary>
    /// <param name="conv">The convolution passed to <see cref="Merge"/>.</param>
    /// <exception cref="InvalidOperationException">The tuner is not merged, or merged into another conv.</exception>
    public void Unmerge(Conv2d conv)
    {
        if (conv is null) throw new ArgumentNullException(nameof(conv));
        if (mergedInto is null)
            throw new InvalidOperationException($"{GetName()}: the tuner is not merged; there is nothing to unmerge.");
        if (!ReferenceEquals(conv, mergedInto))
            throw new InvalidOperationException($"{GetName()}: the tuner is merged into '{mergedInto.GetName()}', not into '{conv.GetName()}'.");
        using (no_grad())
            conv.weight.copy_(weightBeforeMerge!);
        DropMergeCopy();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) DropMergeCopy();
        base.Dispose(disposing);
    }

    private void DropMergeCopy()
    {
        weightBeforeMerge?.Dispose();
        weightBeforeMerge = null;
        mergedInto = null;
    }

    private void CheckWeight(Tensor weight)
    {
        var expected = new[] { OutChannels, InChannels, kernelSize[0], kernelSize[1] };
        if (!weight.shape.SequenceEqual(expected))
            throw new TunerShapeException(GetName(), "conv weight", expected, weight.shape,
                "Build the ConvLoRA for this conv (ConvLoRA.For(conv, ...)) so its channels and kernel size match.");
    }

    private static long[] Pair(long[] values, string what, string conv) => values.Length switch
    {
        1 => new[] { values[0], values[0] },
        2 => new[] { values[0], values[1] },
        _ => throw new ArgumentException($"{conv} has {values.Length} {what} values; a Conv2d has 2.", nameof(values)),
    };

    private static string Format(IReadOnlyList<long> values) => "[" + string.Join(", ", values) + "]";
}
