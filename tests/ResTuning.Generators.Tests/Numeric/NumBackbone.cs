using ResTuning.Operators;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResTuning.Generators.Tests.Numeric;

/// <summary>A two-block transformer-like backbone for the numeric tests (width 8, 2 heads).</summary>
public sealed class NumBackbone : nn.Module<Tensor, Tensor>
{
    public const int Width = 8;

    [ModuleCount(2)]
    public readonly ModuleList<NumBlock> blocks;
    public readonly Linear head;

    public NumBackbone() : base("num")
    {
        blocks = new ModuleList<NumBlock>(new NumBlock(), new NumBlock());
        head = nn.Linear(Width, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks) x = block.call(x);
        return head.call(x.mean(new long[] { 1 }));
    }
}

/// <summary>Attention then MLP, both residual.</summary>
public sealed class NumBlock : nn.Module<Tensor, Tensor>
{
    public readonly MultiHeadSelfAttention attn;
    public readonly NumMlp mlp;

    public NumBlock() : base("block")
    {
        attn = new MultiHeadSelfAttention(NumBackbone.Width, 2);
        mlp = new NumMlp();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attn.call(x);
        return x + mlp.call(x);
    }
}

/// <summary>fc2(gelu(fc1(x))).</summary>
public sealed class NumMlp : nn.Module<Tensor, Tensor>
{
    public readonly Linear fc1;
    public readonly Linear fc2;

    public NumMlp() : base("mlp")
    {
        fc1 = nn.Linear(NumBackbone.Width, 2 * NumBackbone.Width);
        fc2 = nn.Linear(2 * NumBackbone.Width, NumBackbone.Width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.call(nn.functional.gelu(fc1.call(x)));
}

/// <summary>A backbone that invokes its MLP with forward() instead of call(): hooks cannot run.</summary>
public sealed class NumForwardCaller : nn.Module<Tensor, Tensor>
{
    public readonly NumMlp mlp;

    public NumForwardCaller() : base("forward_caller")
    {
        mlp = new NumMlp();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => mlp.forward(x);
}

/// <summary>Two blocks in a list without <c>[ModuleCount]</c>: its length is only known at run time.</summary>
public sealed class NumUncounted : nn.Module<Tensor, Tensor>
{
    public readonly ModuleList<NumBlock> blocks;

    public NumUncounted() : base("uncounted")
    {
        blocks = new ModuleList<NumBlock>(new NumBlock(), new NumBlock());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks) x = block.call(x);
        return x;
    }
}

/// <summary>A backbone whose MLP is a private field: generated code reaches it through the module registry.</summary>
public sealed class NumPrivate : nn.Module<Tensor, Tensor>
{
    private readonly NumMlp mlp;

    public NumPrivate() : base("private")
    {
        mlp = new NumMlp();
        RegisterComponents();
    }

    public NumMlp Mlp_ForTests => mlp;

    public override Tensor forward(Tensor x) => mlp.call(x);
}

/// <summary>A backbone built from a Sequential: its elements are invoked by Sequential.forward.</summary>
public sealed class NumSequential : nn.Module<Tensor, Tensor>
{
    public readonly Sequential layers;

    public NumSequential() : base("sequential")
    {
        layers = nn.Sequential(nn.Linear(NumBackbone.Width, NumBackbone.Width), nn.GELU(), nn.Linear(NumBackbone.Width, NumBackbone.Width));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => layers.call(x);
}

/// <summary>Blocks, then a final norm whose input a bypass may replace, then a mean-pooled head.</summary>
public sealed class NumNormed : nn.Module<Tensor, Tensor>
{
    [ModuleCount(2)]
    public readonly ModuleList<NumBlock> blocks;
    public readonly LayerNorm norm;
    public readonly Linear head;

    public NumNormed() : base("normed")
    {
        blocks = new ModuleList<NumBlock>(new NumBlock(), new NumBlock());
        norm = nn.LayerNorm(NumBackbone.Width);
        head = nn.Linear(NumBackbone.Width, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var block in blocks) x = block.call(x);
        return head.call(norm.call(x).mean(new long[] { 1 }));
    }
}

/// <summary>A user-written tuner for <c>[CustomTuner]</c>: <c>tanh(x·W)</c> with W of shape [out, in].</summary>
public sealed class NumGate : nn.Module<Tensor, Tensor>
{
    public NumGate(long inFeatures, long outFeatures) : base("gate")
    {
        register_parameter("weight", nn.Parameter(randn(outFeatures, inFeatures) * 0.1));
    }

    public Tensor Weight => get_parameter("weight")!;

    public override Tensor forward(Tensor x) => tanh(x.matmul(Weight.t()));
}

/// <summary>
/// A tiny two-input denoiser (images and timesteps): a stem, two decoder stages that double the size and change the
/// channels (8 → 8 → 4), and an output convolution whose input a bypass may replace.
/// </summary>
public sealed class NumDenoiser : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly Conv2d stem;
    public readonly NumUp up0;
    public readonly NumUp up1;
    public readonly Conv2d output;

    public NumDenoiser() : base("denoiser")
    {
        stem = nn.Conv2d(3, 8, 3, padding: 1);
        up0 = new NumUp(8, 8);
        up1 = new NumUp(8, 4);
        output = nn.Conv2d(4, 3, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images, Tensor timesteps)
    {
        var x = stem.call(images) + timesteps.view(-1, 1, 1, 1);
        return output.call(up1.call(up0.call(x)));
    }
}

/// <summary>Nearest ×2 then a 3×3 convolution.</summary>
public sealed class NumUp : nn.Module<Tensor, Tensor>
{
    public readonly Conv2d conv;

    public NumUp(long inChannels, long outChannels) : base("up")
    {
        conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.gelu(conv.call(nn.functional.interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Nearest)));
}

/// <summary>A backbone that never registers its MLP (no RegisterComponents): what NativeAOT makes of any backbone.</summary>
public sealed class NumUnregistered : nn.Module<Tensor, Tensor>
{
    public readonly NumMlp mlp;

    public NumUnregistered() : base("unregistered") => mlp = new NumMlp();

    public override Tensor forward(Tensor x) => mlp.call(x);
}
