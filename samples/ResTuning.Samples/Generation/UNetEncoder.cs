using System;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Samples.Generation;

/// <summary>
/// The U-Net's stem (the bypass tap <c>x_0</c>): embeds the timesteps set on the <see cref="DenoiserContext"/>, then
/// runs the input convolution, the down path (storing the skip features on the context) and the middle block.
/// Output: <c>[B, 2C, S/4, S/4]</c>.
/// </summary>
public sealed class UNetEncoder : nn.Module<Tensor, Tensor>
{
    private readonly DenoiserContext context;
    private readonly Sequential time;
    private readonly Conv2d input;
    private readonly ResBlock down0;
    private readonly Conv2d pool0;
    private readonly ResBlock down1;
    private readonly Conv2d pool1;
    private readonly ResBlock middle;

    /// <summary>Creates the encoder for images with <paramref name="imageChannels"/> channels and base width <paramref name="channels"/>.</summary>
    public UNetEncoder(DenoiserContext context, long imageChannels, long channels, long embeddingDim, string name = "encoder") : base(name)
    {
        this.context = context;
        EmbeddingDim = embeddingDim;
        time = nn.Sequential(("fc1", nn.Linear(embeddingDim, embeddingDim)), ("act", nn.SiLU()), ("fc2", nn.Linear(embeddingDim, embeddingDim)));
        input = nn.Conv2d(imageChannels, channels, 3, padding: 1);
        down0 = new ResBlock(context, channels, channels, embeddingDim);
        pool0 = nn.Conv2d(channels, channels, 3, stride: 2, padding: 1);
        down1 = new ResBlock(context, channels, 2 * channels, embeddingDim);
        pool1 = nn.Conv2d(2 * channels, 2 * channels, 3, stride: 2, padding: 1);
        middle = new ResBlock(context, 2 * channels, 2 * channels, embeddingDim);
        register_module("time", time);
        register_module("input", input);
        register_module("down0", down0);
        register_module("pool0", pool0);
        register_module("down1", down1);
        register_module("pool1", pool1);
        register_module("middle", middle);
    }

    /// <summary>Width of the timestep embedding.</summary>
    public long EmbeddingDim { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor images)
    {
        var timesteps = context.Timesteps ?? throw new InvalidOperationException("Set DenoiserContext.Timesteps before running the U-Net.");
        context.Embedding = time.call(Sinusoid(timesteps, EmbeddingDim));
        context.Skips.Clear();
        var h = down0.call(input.call(images));
        context.Skips.Add(h);
        h = down1.call(pool0.call(h));
        context.Skips.Add(h);
        return middle.call(pool1.call(h));
    }

    /// <summary>The transformer-style sinusoidal embedding of integer timesteps, <c>[B, dim]</c>.</summary>
    public static Tensor Sinusoid(Tensor timesteps, long dim)
    {
        var half = dim / 2;
        var frequencies = exp(arange(half, ScalarType.Float32, timesteps.device) * (-Math.Log(10000.0) / half));
        var angles = timesteps.to(ScalarType.Float32).unsqueeze(1) * frequencies.unsqueeze(0);
        return cat(new[] { sin(angles), cos(angles) }, 1);
    }
}
