using System.Globalization;
using System.Text;

namespace ResTuning.Generators.Tests.Support;

/// <summary>
/// Seeded random model files for <see cref="PropertyTests"/>: valid and invalid tap paths, ranges, extreme numbers,
/// keywords and unicode in names, nesting in every kind of type, records, file-local and abstract classes, several mode
/// attributes, custom tuners with usable and unusable constructors, multi-line attributes and comments inside them, over
/// <see cref="Sources.Backbone"/> and <see cref="Backbones"/>. One seed gives one file, always the same.
/// </summary>
internal sealed class FuzzCases
{
    /// <summary>Backbones with keyword, unicode and component names, a private registry child, an internal backbone, and custom tuners.</summary>
    public const string Backbones = """
        using System;
        using System.Linq;
        using ResTuning;
        using TorchSharp;
        using TorchSharp.Modules;
        using TorchSharp.Utils;
        using static TorchSharp.torch;

        namespace Fz.@class;

        public sealed class @event : nn.Module<Tensor, Tensor>
        {
            public readonly Linear @out;
            public readonly Linear ñorm;
            private readonly Linear @checked;
            [ComponentName(Name = "réseau")]
            private readonly Linear hidden;

            public @event() : base("event")
            {
                @out = nn.Linear(8, 8);
                ñorm = nn.Linear(8, 8);
                @checked = nn.Linear(8, 8);
                hidden = nn.Linear(8, 8);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => hidden.call(@checked.call(ñorm.call(@out.call(x))));
        }

        public sealed class KwNet : nn.Module<Tensor, Tensor>
        {
            [ModuleCount(3)]
            public readonly ModuleList<@event> @for;
            public readonly ModuleDict<Linear> @switch;
            public readonly Sequential @params;
            public readonly Linear @base;
            private readonly Secret secret;
            private readonly ModuleList<Secret> secrets;

            private sealed class Secret : nn.Module<Tensor, Tensor>
            {
                public readonly Linear fc;

                public Secret() : base("secret")
                {
                    fc = nn.Linear(8, 8);
                    RegisterComponents();
                }

                public override Tensor forward(Tensor x) => fc.call(x);
            }

            public KwNet() : base("kw")
            {
                secret = new Secret();
                secrets = new ModuleList<Secret>(new Secret(), new Secret());
                @for = new ModuleList<@event>(new @event(), new @event(), new @event());
                @switch = new ModuleDict<Linear>();
                @switch.Add("a", nn.Linear(8, 8));
                @params = nn.Sequential(nn.Linear(8, 8), nn.Linear(8, 8));
                @base = nn.Linear(8, 8);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x)
            {
                foreach (var b in @for) x = b.call(x);
                foreach (var s in secrets) x = s.call(x);
                return @base.call(@params.call(secret.call(x)));
            }
        }

        internal sealed class Hidden : nn.Module<Tensor, Tensor>
        {
            public readonly Linear fc;

            public Hidden() : base("hidden")
            {
                fc = nn.Linear(8, 8);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => fc.call(x);
        }

        public sealed class Denoiser : nn.Module<Tensor, Tensor, Tensor>
        {
            public readonly ModuleList<@event> down;

            public Denoiser() : base("denoiser")
            {
                down = new ModuleList<@event>(new @event(), new @event());
                RegisterComponents();
            }

            public override Tensor forward(Tensor x, Tensor t)
            {
                foreach (var d in down) x = d.call(x);
                return x;
            }
        }

        public sealed class GenNet<T> : nn.Module<Tensor, Tensor>
        {
            public readonly Linear fc;

            public GenNet() : base("gen")
            {
                fc = nn.Linear(8, 8);
                RegisterComponents();
            }

            public override Tensor forward(Tensor x) => fc.call(x);
        }

        public sealed class Good : nn.Module<Tensor, Tensor>
        {
            public Good(long inFeatures, long outFeatures) : base("good") { }
            public override Tensor forward(Tensor x) => x;
        }

        public sealed class ByIn : nn.Module<Tensor, Tensor>
        {
            public ByIn(in long inFeatures, in long outFeatures) : base("by_in") { }
            public override Tensor forward(Tensor x) => x;
        }

        public sealed class ByRef : nn.Module<Tensor, Tensor>
        {
            public ByRef(ref long inFeatures, ref long outFeatures) : base("by_ref") { }
            public override Tensor forward(Tensor x) => x;
        }

        public sealed class Retired : nn.Module<Tensor, Tensor>
        {
            [Obsolete("use another", error: true)]
            public Retired(long inFeatures, long outFeatures) : base("retired") { }
            public override Tensor forward(Tensor x) => x;
        }

        public abstract class Partial : nn.Module<Tensor, Tensor>
        {
            protected Partial(long inFeatures, long outFeatures) : base("partial") { }
        }

        // Base classes and interfaces a model may wrongly (or rightly) declare.
        public class Plain { }
        public class Plain<T> { }
        public interface IMarker { }
        public interface IOther { }
        public class OpenModule : nn.Module<Tensor, Tensor>
        {
            public OpenModule() : base("open") { }
            public override Tensor forward(Tensor x) => x;
        }
        """;

    private static readonly string[] Namespaces = { "Fz.Models", "Fz.@class.Inner", "Fz.Ünï", "", "Fz.@event.@namespace", "Demo.Models" };

    private static readonly string[] Names = { "Tuned", "@event", "@class", "Modèle", "tuned", "_x1", "Ω", "@checked", "Ünï" };

    /// <summary>Names of members the generator declares in some mode (RT0023 there).</summary>
    private static readonly string[] ClashingNames = { "Bypass", "Taps", "Backbone", "Source", "Run", "forward", "task0", "Width" };

    private static readonly string[] Containers =
    {
        "partial class", "static partial class", "partial record", "partial record struct", "partial struct",
        "readonly partial struct", "partial interface", "public partial class", "sealed partial record", "partial class", "class",
    };

    private static readonly string[] Modifiers =
    {
        "public partial class", "public partial class", "public partial class", "internal partial class", "partial class",
        "public sealed partial class", "public abstract partial class", "public partial record", "file partial class",
        "public static partial class", "public class", "public partial class G<T>", "internal sealed partial record",
    };

    private static readonly string[] Ints = { "0", "1", "-1", "2", "4", "8", "16", "16", "16", "int.MaxValue", "int.MinValue", "100000" };

    private static readonly string[] Doubles =
    {
        "0.0", "0.5", "1.0", "-0.0", "1e308", "double.Epsilon", "double.PositiveInfinity", "double.NegativeInfinity", "double.NaN",
        "1e-300", "16", "0.1", "-1.5", "double.MaxValue",
    };

    /// <summary>
    /// Base lists a model may declare: none (most often), another module type, a non-module class, a generic base, an
    /// interface list, a class with interfaces, and the base the generator gives the model's kind (the only valid one).
    /// </summary>
    private string BaseList(string kind, Backbone backbone)
    {
        if (!Chance(0.3)) return "";
        var generated = kind switch
        {
            "parallel" => $"ResTuning.Parallel.ParallelModel<{backbone.Type}>",
            "bypass" when backbone.Type.EndsWith("Denoiser", StringComparison.Ordinal) => "ResTuning.TunedModel<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>",
            "bypass" => "ResTuning.TunedModel<TorchSharp.torch.Tensor>",
            _ => "ResTuning.TunedModel<TorchSharp.torch.Tensor[]>",
        };
        return " : " + Pick(new[]
        {
            "System.Exception", "Fz.@class.Plain", "Fz.@class.Plain<int>", "Fz.@class.IMarker", "Fz.@class.IMarker, Fz.@class.IOther",
            "Fz.@class.OpenModule", "TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>",
            "TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>",
            "System.Exception, Fz.@class.IMarker", "ResTuning.TunedModel<TorchSharp.torch.Tensor>", generated, generated,
        });
    }

    private sealed record Backbone(string Type, string[] Paths, string[] Linears, string[] Attentions, string[] Lists);

    private static readonly Backbone[] All =
    {
        new("Demo.TinyVit",
            new[] { "blocks.*.mlp", "blocks.0.mlp", "blocks.0..2.mlp", "extra.*.mlp", "stem", "stem.0", "neck.*", "neck.0..1", "norm", "head", "task_heads.cls", "blocks.3" },
            new[] { "blocks.*.mlp.fc1", "blocks.0..2.mlp.fc2", "head", "task_heads.cls", "extra.0..1.mlp.fc1", "blocks.*.attn.qkv" },
            new[] { "blocks.*.attn", "blocks.3.attn", "blocks.0..2.attn" },
            new[] { "blocks.*", "blocks.0..2", "blocks.1, blocks.3", "blocks.0..2, extra.0", "extra.*", "neck.*" }),
        new("Fz.@class.KwNet",
            new[] { "for.*.out", "for.0.ñorm", "for.1..3.checked", "for.*.réseau", "switch.a", "params.*", "params.0", "base", "secret", "secret.fc", "secrets.*", "secrets.0.fc" },
            new[] { "for.*.out", "for.0.ñorm", "for.1..3.checked", "for.*.réseau", "switch.a", "base", "secret.fc", "secrets.1.fc" },
            Array.Empty<string>(),
            new[] { "for.*", "for.0..2", "for.0, for.2", "params.*", "secret", "for.0, secret", "secrets.*" }),
        new("Fz.@class.@event",
            new[] { "out", "ñorm", "checked", "réseau" },
            new[] { "out", "ñorm", "checked", "réseau" },
            Array.Empty<string>(),
            new[] { "out, ñorm", "out", "checked, réseau" }),
        new("Fz.@class.Hidden", new[] { "fc" }, new[] { "fc" }, Array.Empty<string>(), new[] { "fc" }),
        new("Fz.@class.Denoiser", new[] { "down.*", "down.0", "down.1.out" }, new[] { "down.0.out", "down.*.ñorm" }, Array.Empty<string>(), new[] { "down.*", "down.0, down.1" }),
        new("Fz.@class.GenNet<int>", new[] { "fc" }, new[] { "fc" }, Array.Empty<string>(), new[] { "fc" }),
    };

    private static readonly string[] BrokenPaths =
        { "", "blocks..mlp", "blocks.*.mpl", "blocks.9.mlp", "blocks.2..1", "blocks.0..99", ".head", "head.", "blöcks", "blocks.x", "for.*.event", "*", "0", "out.in", "class", "blocks.*.mlp.fc1.weight", "a b" };

    private readonly Random random;
    private readonly StringBuilder file = new();
    private int modelCount;

    private FuzzCases(int seed) => random = new Random(seed);

    /// <summary>The model file of <paramref name="seed"/>: usings, a namespace, and one to three models.</summary>
    public static string Generate(int seed) => new FuzzCases(seed).Build();

    private string Build()
    {
        file.Append("using ResTuning;\nusing System;\n\n");
        var ns = Pick(Namespaces);
        if (ns.Length > 0) file.Append("namespace ").Append(ns).Append(";\n\n");
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++) Model();
        return file.ToString();
    }

    private void Model()
    {
        var backbone = Chance(0.6) ? All[0] : Pick(All);
        var roll = random.NextDouble();
        if (roll < 0.12)
        {
            MultiTask(backbone);
            return;
        }
        var attributes = new List<string>();
        if (roll < 0.45) Bypass(backbone, attributes);
        else Parallel(backbone, attributes);
        if (Chance(0.04)) attributes.Insert(0, Chance(0.5) ? $"ResTuningBypass<{backbone.Type}>" : $"ResTuningMultiTask<{backbone.Type}>()");
        Declare(attributes, Chance(0.85) ? "public partial class" : Pick(Modifiers), UniqueName(), baseList: BaseList(roll < 0.45 ? "bypass" : "parallel", backbone));
    }

    private void Parallel(Backbone backbone, List<string> attributes)
    {
        attributes.Add($"ResTuning<{backbone.Type}>" + Args(Chance(0.5) ? $"Features = {IntOr("16")}" : null));
        var tuners = random.Next(4);
        for (var i = 0; i < tuners; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    attributes.Add("ResAdapter" + Args(Path(backbone.Paths), Named("Dim", IntOr("8")), Maybe("In", IntOr("16")), Maybe("Out", IntOr("16")),
                        Maybe("Dropout", DoubleOr("0.1")), Maybe("Scale", "TunerScaleKind." + Pick(new[] { "Fixed", "LearnedScalar", "LearnedPerChannel", "Lambda" })),
                        Maybe("ScaleValue", DoubleOr("1.0")), Maybe("Activation", "AdapterActivationKind.Relu"), Maybe("ZeroInit", "false")));
                    break;
                case 1:
                    attributes.Add("LoRA" + Args(Path(backbone.Linears), Maybe("Rank", IntOr("4")), Maybe("Alpha", DoubleOr("8")), Maybe("Dropout", DoubleOr("0.1"))));
                    break;
                case 2:
                    attributes.Add("ResPrefix" + Args(Path(backbone.Attentions), Maybe("Length", IntOr("4")), Maybe("InitStd", DoubleOr("0.02"))));
                    break;
                case 3:
                    attributes.Add("ResPrompt" + Args(Path(backbone.Attentions), Maybe("Length", IntOr("4")), Maybe("InitRange", DoubleOr("0.1"))));
                    break;
                case 4:
                    var tuner = Pick(new[] { "Fz.@class.Good", "Fz.@class.Good", "Fz.@class.ByIn", "Fz.@class.ByRef", "Fz.@class.Retired", "Fz.@class.Partial", "Demo.ScaledBias" });
                    attributes.Add($"CustomTuner<{tuner}>" + Args(Path(backbone.Paths), Maybe("In", IntOr("16"))));
                    break;
                default:
                    attributes.Add("Trainable" + Args(Path(backbone.Paths)));
                    break;
            }
        }
    }

    private void Bypass(Backbone backbone, List<string> attributes, string? taps = null)
    {
        var widths = Chance(0.2) ? $"Widths = new[] {{ {string.Join(", ", Enumerable.Range(0, 1 + random.Next(4)).Select(_ => IntOr("16")))} }}" : null;
        attributes.Add($"ResTuningBypass<{backbone.Type}>" + Args(Maybe("Classes", IntOr("3")), Chance(0.7) ? $"Features = {IntOr("16")}" : null, widths,
            Maybe("Lambda", DoubleOr("0.5")), Maybe("LearnLambda", "true")));
        if (Chance(0.9))
            attributes.Add("BypassTaps" + Args(Maybe("Start", Quote(Path(backbone.Paths, bare: true))), $"Taps = {Quote(taps ?? Path(backbone.Lists, bare: true))}",
                Chance(0.15) ? $"Output = {Quote(Path(backbone.Paths, bare: true))}" : null, Maybe("Upsample", "true")));
        var kinds = new[] { "Adapter", "LoRA", "Identity" };
        if (Chance(0.4)) attributes.Add($"Lateral(BypassTunerKind.{Pick(kinds)}" + Tail(Maybe("Dim", IntOr("8")), Maybe("Rank", IntOr("2")), Maybe("Alpha", DoubleOr("4")), Maybe("Residual", "true")) + ")");
        if (Chance(0.3)) attributes.Add($"Vertical(BypassTunerKind.{Pick(kinds)}" + Tail(Maybe("Dim", IntOr("8")), Maybe("Dropout", DoubleOr("0.1"))) + ")");
    }

    private void MultiTask(Backbone backbone)
    {
        var taps = Path(backbone.Lists, bare: true);
        var tasks = new List<string>();
        for (var i = 0; i < 1 + random.Next(3); i++)
        {
            var attributes = new List<string>();
            Bypass(backbone, attributes, Chance(0.85) ? taps : null);
            var name = Chance(0.15) ? Pick(new[] { "Backbone", "Source", "task0", "ForwardAll" }) + (modelCount++).ToString(CultureInfo.InvariantCulture) : UniqueName();
            if (Chance(0.1)) name = Pick(new[] { "Backbone", "Source", "task1", "ForwardAll" });
            var modifiers = Chance(0.8) ? "public partial class" : Pick(new[] { "internal partial class", "public abstract partial class", "public partial record", "partial class" });
            Declare(attributes, modifiers, name, topLevel: true, baseList: BaseList("bypass", backbone));
            tasks.Add(name);
        }
        var group = new List<string> { $"ResTuningMultiTask<{backbone.Type}>(" + string.Join(", ", tasks.Select(t => $"typeof({t})")) + ")" };
        Declare(group, Chance(0.85) ? "public partial class" : Pick(Modifiers), UniqueName(), topLevel: true, baseList: BaseList("multitask", backbone));
    }

    /// <summary>Writes the model with its attributes (one list each, or several in one list, over one line or several, with comments), maybe nested.</summary>
    private void Declare(List<string> attributes, string modifiers, string name, bool topLevel = false, string baseList = "")
    {
        var nesting = topLevel || Chance(0.75) ? 0 : 1 + random.Next(2);
        var containers = Enumerable.Range(0, nesting).Select(_ => (Pick(Containers), UniqueName())).ToList();
        foreach (var (keyword, outer) in containers) file.Append(keyword).Append(' ').Append(outer).Append("\n{\n");
        if (attributes.Count > 1 && Chance(0.15))
            file.Append('[').Append(string.Join("," + Separator(), attributes)).Append("]\n");
        else
            foreach (var attribute in attributes) file.Append('[').Append(attribute).Append("]\n");
        if (name.Contains('<') || modifiers.Contains('<')) file.Append(modifiers.Replace("G<T>", name + "<T>")).Append(";\n");
        else file.Append(modifiers).Append(' ').Append(name).Append(baseList).Append(Chance(0.8) ? ";\n" : " { }\n");
        foreach (var _ in containers) file.Append("}\n");
        file.Append('\n');
    }

    private readonly List<string> used = new();

    /// <summary>A name not used yet in the file; now and then one that differs from an earlier one only in case (hint names ignore case).</summary>
    private string UniqueName()
    {
        if (used.Count > 0 && Chance(0.1))
        {
            var earlier = Pick(used.ToArray());
            var flipped = new string(earlier.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
            if (flipped != earlier && !used.Contains(flipped))
            {
                used.Add(flipped);
                return flipped;
            }
        }
        var name = Chance(0.08) ? Pick(ClashingNames) : Pick(Names);
        name = modelCount++ == 0 ? name : name + (modelCount - 1).ToString(CultureInfo.InvariantCulture);
        used.Add(name);
        return name;
    }

    private string Args(params string?[] args)
    {
        var present = args.Where(a => a is not null).ToList();
        return present.Count == 0 ? "" : "(" + string.Join("," + Separator(), present) + ")";
    }

    private string Tail(params string?[] args)
    {
        var present = args.Where(a => a is not null).ToList();
        return present.Count == 0 ? "" : "," + Separator() + string.Join("," + Separator(), present);
    }

    /// <summary>Between arguments: a space, a line break, a block comment or a line comment.</summary>
    private string Separator() => random.Next(8) switch
    {
        0 => "\n        ",
        1 => " /* note: Dim = 8 */ ",
        2 => " // Dim = 8\n        ",
        3 => "\r\n",
        _ => " ",
    };

    private string Path(string[] valid, bool bare = false)
    {
        var path = Chance(0.9) && valid.Length > 0 ? Pick(valid) : Pick(BrokenPaths);
        return bare ? path : Quote(path);
    }

    private string Quote(string path) => Chance(0.05) ? "@\"" + path + "\"" : "\"" + path.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private string? Maybe(string name, string value) => Chance(0.35) ? $"{name} = {value}" : null;

    private string Named(string name, string value) => $"{name} = {value}";

    private string IntOr(string usual) => Chance(0.85) ? usual : Pick(Ints);

    private string DoubleOr(string usual) => Chance(0.75) ? usual : Pick(Doubles);

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
