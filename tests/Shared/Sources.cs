namespace ResTuning.TestSupport;

/// <summary>Test-input sources: small backbones and a local stand-in for the checkpoint API.</summary>
internal static class Sources
{
    /// <summary>A tiny ViT-like backbone: stem (Sequential), blocks (ModuleList of attention + MLP), norm, head.</summary>
    public const string Backbone = """
        using System.Linq;
        using ResTuning;
        using ResTuning.Operators;
        using TorchSharp;
        using TorchSharp.Modules;
        using TorchSharp.Utils;
        using static TorchSharp.torch;

        namespace Demo;

        public sealed class Mlp : nn.Module<Tensor, Tensor>
        {
            public readonly Linear fc1;
            public readonly Linear fc2;

            public Mlp(long dim, long hidden) : base("mlp")
            {
                fc1 = nn.Linear(dim, hidden);
                fc2 = nn.Linear(hidden, dim);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => fc2.call(nn.functional.gelu(fc1.call(x)));
        }

        public sealed class Block : nn.Module<Tensor, Tensor>
        {
            public readonly MultiHeadSelfAttention attn;
            public readonly Mlp mlp;

            public Block(long dim, long heads) : base("block")
            {
                attn = new MultiHeadSelfAttention(dim, heads);
                mlp = new Mlp(dim, 2 * dim);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                x = x + attn.call(x);
                return x + mlp.call(x);
            }
        }

        public sealed class ScaledBias : nn.Module<Tensor, Tensor>
        {
            public ScaledBias(long inFeatures, long outFeatures) : base("scaled_bias")
            {
                register_parameter("bias", nn.Parameter(zeros(outFeatures)));
            }

            public override Tensor forward(Tensor x) => x * 0 + get_parameter("bias")!;
        }

        public sealed class TinyVit : nn.Module<Tensor, Tensor>
        {
            private readonly Sequential stem;
            [ModuleCount(4)]
            public readonly ModuleList<Block> blocks;
            public readonly ModuleList<Block> extra;
            [ComponentName(Name = "norm")]
            public readonly LayerNorm final_norm;
            public readonly Linear head;
            public readonly Sequential neck;
            public readonly ModuleDict<Linear> task_heads;

            public TinyVit(long dim = 16, long heads = 2, long classes = 10) : base("vit")
            {
                stem = nn.Sequential(nn.Linear(dim, dim), nn.GELU());
                blocks = new ModuleList<Block>(Enumerable.Range(0, 4).Select(_ => new Block(dim, heads)).ToArray());
                extra = new ModuleList<Block>(new Block(dim, heads));
                final_norm = nn.LayerNorm(dim);
                head = nn.Linear(dim, classes);
                neck = nn.Sequential(nn.Linear(dim, dim), nn.Linear(dim, dim));
                task_heads = new ModuleDict<Linear>();
                task_heads.Add("cls", nn.Linear(dim, classes));
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                x = stem.call(x);
                foreach (var block in blocks) x = block.call(x);
                foreach (var block in extra) x = block.call(x);
                return head.call(final_norm.call(x).mean(new long[] { 1 }));
            }
        }
        """;

    public static string Model(string attributes, string declaration = "public partial class Tuned;") => $$"""
        using ResTuning;

        namespace Demo.Models;

        {{attributes}}
        {{declaration}}
        """;
}
