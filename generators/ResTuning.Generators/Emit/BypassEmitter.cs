using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits the members of a Res-Tuning-Bypass model: the backbone's taps through a <c>HookTapSource</c>, the bypass
/// chain as a <c>ResTuningBypass</c>, forward, parameters and checkpoints. <c>BypassEmitter.Stages.cs</c> writes
/// the stage and head factories.
/// </summary>
internal static partial class BypassEmitter
{
    private const string Source = ModelSurface.TapSource;
    private const string Bypass = ModelSurface.BypassChain;
    private const string TapList = "global::System.Collections.Generic.List<(string Name, " + ModelFile.TensorModule + " Module)>";

    public static string Emit(BypassSpec spec) => ModelFile.Emit(spec.Type, ModelSurface.BypassBase(spec.Inputs), new[]
    {
        $"Res-Tuning-Bypass over a frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: the backbone runs once without autograd,",
        $"its detached taps feed a separate chain <c>{Recurrence(spec)}</c>, and gradients never enter it.",
        "The backbone is not a registered submodule: this model's state dict holds the bypass and its head only.",
        "Trainable parameters, counts and checkpoints come from the runtime base.",
    }, w =>
    {
        EmitFields(w, spec);
        w.Line();
        EmitConstructors(w, spec);
        w.Line();
        EmitTapSource(w, spec);
        w.Line();
        EmitStages(w, spec);
        w.Line();
        EmitHead(w, spec);
        w.Line();
        EmitForward(w, spec);
        w.Line();
        EmitRemoveHooks(w);
        if (spec.TrainableParameterCount >= 0)
        {
            w.Line();
            TrainableMembers.EmitConstantCount(w, spec.TrainableParameterCount,
                "Number of trainable parameters (bypass and head), computed at compile time from the widths and the tap count.");
        }
    });

    private static void EmitRemoveHooks(SourceWriter w)
    {
        w.Line("/// <summary>Removes the tap hooks (and unfreezes the backbone) when this model created its tap source; a shared source is its owner's.</summary>");
        w.Open(ModelSurface.RemoveHooksSignature);
        w.Line("if (ownsSource) source.Dispose();");
        w.Close();
    }

    private static void EmitFields(SourceWriter w, BypassSpec spec)
    {
        w.Line($"private readonly {spec.BackboneType} backbone;");
        w.Line($"private readonly {Source} source;");
        w.Line($"private readonly {Bypass} bypass;");
        w.Line("private readonly bool ownsSource;");
        w.Line();
        w.Line("/// <summary>The frozen backbone (not registered, so not in this model's state dict; move it to a device yourself).</summary>");
        w.Line($"public {spec.BackboneType} Backbone => backbone;");
        w.Line();
        w.Line("/// <summary>The backbone's taps x_0..x_L, read through forward hooks.</summary>");
        w.Line($"public {Source} Source => source;");
        w.Line();
        w.Line("/// <summary>The bypass chain and head, registered as <c>bypass</c>.</summary>");
        w.Line($"public {Bypass} Bypass => bypass;");
    }

    private static void EmitConstructors(SourceWriter w, BypassSpec spec)
    {
        var name = CSharpText.Identifier(spec.Type.Name);
        w.Line("/// <summary>Freezes <paramref name=\"backbone\"/>, hooks its taps and creates the bypass.</summary>");
        w.Line("/// <param name=\"backbone\">The backbone, with its pretrained weights loaded; never disposed by this model.</param>");
        w.Line("/// <param name=\"head\">Replaces the generated head (applied to b_L, or to the backbone's output after re-entry).</param>");
        w.Line($"public {name}({ModelSurface.BypassParameters(spec.BackboneType)})");
        w.Line("    : this(backbone, CreateTapSource(backbone), head, ownsSource: true)");
        w.Open("");
        w.Close();
        w.Line();
        w.Line("/// <summary>Creates the bypass on taps already hooked, e.g. shared by the tasks of a multi-task model.</summary>");
        w.Line("/// <param name=\"backbone\">The backbone.</param>");
        w.Line("/// <param name=\"source\">Its taps, from <see cref=\"CreateTapSource\"/>.</param>");
        w.Line("/// <param name=\"head\">Replaces the generated head.</param>");
        w.Line($"public {name}({ModelSurface.BypassSharedParameters(spec.BackboneType)})");
        w.Line("    : this(backbone, source, head, ownsSource: false)");
        w.Open("");
        w.Close();
        w.Line();
        w.Open($"private {name}({spec.BackboneType} backbone, {Source} source, {ModelFile.TensorModule}? head, bool ownsSource) : base({CSharpText.String(spec.Type.Name)}, {ModelSurface.BypassBaseArguments(spec.Inputs)})");
        w.Line("this.backbone = backbone;");
        w.Line("this.source = source ?? throw new global::System.ArgumentNullException(nameof(source));");
        w.Line("this.ownsSource = ownsSource;");
        w.Open("if (!ReferenceEquals(source.Backbone, backbone))");
        w.Line("throw new global::System.ArgumentException(\"The tap source hooks another backbone; create it with CreateTapSource(backbone).\", nameof(source));");
        w.Close();
        var reenter = spec.Output is null ? "null" : CSharpText.String(spec.Output.Path.Text);
        w.Line("var stages = CreateStages(source.TapNames.Count - 1);");
        w.Line($"bypass = new {Bypass}(source, stages, head ?? CreateHead(stages.Count), reenterAt: {reenter}, name: \"bypass\");");
        w.Line("register_module(\"bypass\", bypass);");
        w.Close();
    }

    private static void EmitTapSource(SourceWriter w, BypassSpec spec)
    {
        w.Line("/// <summary>");
        w.Line("/// Hooks the taps of <paramref name=\"backbone\"/> (and freezes it): " + Describe(spec) + ".");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"backbone\">The backbone.</param>");
        w.Line("/// <returns>The tap source; several bypass models may share it.</returns>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The backbone registered none of its module fields (TorchSharp's registration did not run, or NativeAOT hid them).</exception>");
        w.Open(ModelSurface.CreateTapSourceSignature(spec.BackboneType));
        w.Line("global::ResTuning.BackboneRegistration.EnsureRegistered(backbone, nameof(backbone));");
        w.Line($"(string Name, {ModelFile.TensorModule} Module)? start = null;");
        if (spec.Start is { } start)
        {
            w.Open("");
            TapWalk.Emit(w, start, "backbone", (body, path) => body.Line($"start = ({path}, module);"));
            w.Close();
        }
        w.Line($"var taps = new {TapList}();");
        foreach (var tap in spec.Taps)
        {
            w.Line(CSharpText.Comment(tap.Path.Text));
            w.Open("");
            TapWalk.Emit(w, tap, "backbone", (body, path) => body.Line($"taps.Add(({path}, module));"));
            w.Close();
        }
        w.Line($"var reentry = new {TapList}();");
        if (spec.Output is { } output)
        {
            w.Open("");
            TapWalk.Emit(w, output, "backbone", (body, path) => body.Line($"reentry.Add(({path}, module));"));
            w.Close();
        }
        w.Line($"return new {Source}(backbone, start, taps, reentry);");
        w.Close();
    }

    private static void EmitForward(SourceWriter w, BypassSpec spec)
    {
        w.Line("/// <summary>Runs the backbone once without autograd (stopping after the last tap, or re-entering), then the bypass.</summary>");
        if (spec.Inputs == 2)
        {
            w.Line("/// <param name=\"input\">The backbone's first input.</param>");
            w.Line("/// <param name=\"input2\">The backbone's second input (e.g. timesteps).</param>");
            w.Line("/// <returns>The head's output (or b_L when there is no head).</returns>");
            w.Line($"{ModelSurface.BypassForward(2)} => bypass.Forward(() => backbone.call(input, input2));");
        }
        else
        {
            w.Line("/// <param name=\"input\">The backbone's input.</param>");
            w.Line("/// <returns>The head's output (or b_L when there is no head).</returns>");
            w.Line($"{ModelSurface.BypassForward(1)} => bypass.call(input);");
        }
        w.Line();
        w.Line("/// <summary>Runs the bypass on taps collected by <see cref=\"Source\"/> (one backbone pass shared by several tasks).</summary>");
        w.Line("/// <param name=\"taps\">x_0..x_L, at least <see cref=\"LastTap\"/> + 1 of them.</param>");
        w.Line("/// <returns>The head's output (or b_L when there is no head).</returns>");
        w.Line($"{ModelSurface.RunSignature} => bypass.Run(taps);");
        w.Line();
        w.Line("/// <summary>Index of the last tap this bypass reads.</summary>");
        w.Line("public int LastTap => bypass.LastTap;");
    }

    private static string Recurrence(BypassSpec spec) => spec.LearnLambda || !double.IsNaN(spec.Lambda)
        ? "b_l = λ·lateral(x_l) + (1-λ)·vertical(b_(l-1))" + (spec.LearnLambda ? " (λ learned)" : "")
        : "b_l = lateral(x_l) + vertical(b_(l-1))";

    private static string Describe(BypassSpec spec)
    {
        var start = spec.Start is null ? "x_0 is the input of the first tap" : $"x_0 is the output of <c>{CSharpText.XmlText(spec.Start.Path.Text)}</c>";
        var taps = string.Join(", ", System.Linq.Enumerable.Select(spec.Taps, t => CSharpText.XmlText(t.Path.Text)));
        var output = spec.Output is null ? "" : $", and b_L replaces the input of <c>{CSharpText.XmlText(spec.Output.Path.Text)}</c>";
        return $"{start}, x_1..x_L are the outputs of <c>{taps}</c>{output}";
    }
}
