namespace ResTuning.Generators.Emit;

/// <summary>
/// Emits a Res-Tuning-Bypass model: only what its attributes decide — the backbone's taps through a <c>HookTapSource</c>,
/// and the stages, head and re-entry handed to the runtime base <c>BypassModel&lt;TBackbone&gt;</c>, which holds the
/// backbone, the chain, forward, Run, parameters and checkpoints. <c>BypassEmitter.Stages.cs</c> writes the stage and head
/// factories.
/// </summary>
internal static partial class BypassEmitter
{
    private const string Source = ModelSurface.TapSource;
    private const string TapList = "global::System.Collections.Generic.List<(string Name, " + ModelFile.TensorModule + " Module)>";

    public static string Emit(BypassSpec spec) => ModelFile.Emit(spec.Type, ModelSurface.BypassBase(spec.BackboneType, spec.Inputs), new[]
    {
        $"Res-Tuning-Bypass over a frozen <see cref=\"{CSharpText.Cref(spec.BackboneType)}\"/>: the backbone runs once without autograd,",
        $"its detached taps feed a separate chain <c>{Recurrence(spec)}</c>, and gradients never enter it.",
        "The backbone is not a registered submodule: this model's state dict holds the bypass and its head only.",
        "Backbone, taps, forward, trainable parameters, counts and checkpoints come from the runtime base.",
    }, w =>
    {
        EmitConstructors(w, spec);
        w.Line();
        EmitTapSource(w, spec);
        w.Line();
        EmitStages(w, spec);
        w.Line();
        EmitHead(w, spec);
        if (spec.TrainableParameterCount >= 0)
        {
            w.Line();
            TrainableMembers.EmitConstantCount(w, spec.TrainableParameterCount,
                "Number of trainable parameters (bypass and head), computed at compile time from the widths and the tap count.");
        }
    });

    private static void EmitConstructors(SourceWriter w, BypassSpec spec)
    {
        var name = CSharpText.Identifier(spec.Type.Name);
        var moduleName = CSharpText.String(spec.Type.Name);
        // One constructor hooks the backbone itself; the other reuses taps already hooked (a multi-task model's).
        var constructors = new[]
        {
            (Shared: false, Docs: new[]
            {
                "<summary>Freezes <paramref name=\"backbone\"/>, hooks its taps and creates the bypass.</summary>",
                "<param name=\"backbone\">The backbone, with its pretrained weights loaded; never disposed by this model.</param>",
                "<param name=\"head\">Replaces the generated head (applied to b_L, or to the backbone's output after re-entry).</param>",
            }),
            (Shared: true, Docs: new[]
            {
                "<summary>Creates the bypass on taps already hooked, e.g. shared by the tasks of a multi-task model.</summary>",
                "<param name=\"backbone\">The backbone.</param>",
                "<param name=\"source\">Its taps, from <see cref=\"CreateTapSource\"/>.</param>",
                "<param name=\"head\">Replaces the generated head.</param>",
            }),
        };
        foreach (var (shared, docs) in constructors)
        {
            foreach (var doc in docs) w.Line("/// " + doc);
            var parameters = shared ? ModelSurface.BypassSharedParameters(spec.BackboneType) : ModelSurface.BypassParameters(spec.BackboneType);
            w.Line($"public {name}({parameters})");
            w.Line($"    : base({moduleName}, {ModelSurface.BypassBaseArguments(shared)})");
            w.Open("");
            w.Close();
            w.Line();
        }
        var reenter = spec.Output is null ? "null" : CSharpText.String(spec.Output.Path.Text);
        w.Line("/// <summary>What the attributes decide: the stages, the head and where b_L re-enters (null: to the head).</summary>");
        w.Line($"private static readonly global::ResTuning.Bypass.BypassFactories Factories = new(CreateStages, CreateHead, ReenterAt: {reenter});");
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
            EmitLookup(w, start, path => $"start = ({path}, module);");
        }
        w.Line($"var taps = new {TapList}();");
        foreach (var tap in spec.Taps)
        {
            w.Line(CSharpText.Comment(tap.Path.Text));
            EmitLookup(w, tap, path => $"taps.Add(({path}, module));");
        }
        w.Line($"var reentry = new {TapList}();");
        if (spec.Output is { } output)
        {
            EmitLookup(w, output, path => $"reentry.Add(({path}, module));");
        }
        w.Line($"return new {Source}(backbone, start, taps, reentry);");
        w.Close();
    }

    // One tap's lookup in a block of its own (each declares its own `module`), ending in `statement` of the tap's path.
    private static void EmitLookup(SourceWriter w, ResolvedTap tap, Func<string, string> statement)
    {
        w.Open("");
        TapWalk.Emit(w, tap, "backbone", (body, path) => body.Line(statement(path)));
        w.Close();
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
