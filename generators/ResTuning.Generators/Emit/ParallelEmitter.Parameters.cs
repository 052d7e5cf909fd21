using System.Globalization;
using ResTuning.Generators.Model;

namespace ResTuning.Generators.Emit;

internal static partial class ParallelEmitter
{
    private static void EmitForward(SourceWriter w, ParallelSpec spec)
    {
        _ = spec;
        w.Line("private bool tapsVerified;");
        w.Line();
        w.Line("/// <summary>Runs the backbone; the hooked modules add their tuners' outputs on the way.</summary>");
        w.Line("/// <param name=\"input\">The backbone's input.</param>");
        w.Line("/// <returns>The backbone's output.</returns>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">On the first call, when a tapped module did not run through <c>call(x)</c>.</exception>");
        w.Open($"public override {Tensor} forward({Tensor} input)");
        w.Line("var output = backbone.call(input);");
        w.Open("if (!tapsVerified)");
        w.Line("taps.EnsureAllRan();");
        w.Line("tapsVerified = true;");
        w.Close();
        w.Line("return output;");
        w.Close();
    }

    private static void EmitParameters(SourceWriter w, ParallelSpec spec)
    {
        if (spec.TrainableParameterCount >= 0)
        {
            w.Line("/// <summary>Number of trainable parameters, computed at compile time from the tuner widths.</summary>");
            w.Line($"public const long TrainableParameterCount = {spec.TrainableParameterCount.ToString(CultureInfo.InvariantCulture)};");
            w.Line();
        }

        w.Line("/// <summary>The trainable parameters (tuners, learned scales and <c>[Trainable]</c> modules) with their state-dict names.</summary>");
        w.Line("/// <returns>The parameters whose <c>requires_grad</c> is set.</returns>");
        w.Open("public global::System.Collections.Generic.IEnumerable<(string Name, global::TorchSharp.Modules.Parameter Parameter)> NamedTrainableParameters()");
        w.Open("foreach (var (name, parameter) in named_parameters())");
        w.Line("if (parameter.requires_grad) yield return (name, parameter);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>The trainable parameters, for an optimizer.</summary>");
        w.Line("/// <returns>The parameters whose <c>requires_grad</c> is set.</returns>");
        w.Open("public global::System.Collections.Generic.IEnumerable<global::TorchSharp.Modules.Parameter> TrainableParameters()");
        w.Open("foreach (var (_, parameter) in NamedTrainableParameters())");
        w.Line("yield return parameter;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Trainable and total parameter counts.</summary>");
        w.Line("/// <returns>The counts.</returns>");
        w.Line("public global::ResTuning.ParameterCounts CountParameters() => global::ResTuning.ParameterCounts.Of(this);");
        w.Line();
        w.Line("/// <summary>Prints <c>trainable params: X || all params: Y || trainable%: Z</c>, as PEFT does.</summary>");
        w.Line("public void PrintTrainableParameters() => global::System.Console.WriteLine(CountParameters().ToString());");
    }

    private static void EmitCheckpoints(SourceWriter w)
    {
        w.Line("/// <summary>Writes the trainable parameters only (tuners, learned scales, <c>[Trainable]</c> modules) to <paramref name=\"path\"/>, atomically.</summary>");
        w.Line("/// <param name=\"path\">The safetensors file to write.</param>");
        w.Line("public void SaveTuners(string path) => global::ResTuning.Checkpoints.TunerCheckpoint.Save(this, path, TrainableParameterNames());");
        w.Line();
        w.Line("/// <summary>Loads the trainable parameters from <paramref name=\"path\"/>; a mismatched file is refused before any weight changes.</summary>");
        w.Line("/// <param name=\"path\">A file written by <see cref=\"SaveTuners\"/>.</param>");
        w.Line("public void LoadTuners(string path) => global::ResTuning.Checkpoints.TunerCheckpoint.Load(this, path, TrainableParameterNames());");
        w.Line();
        w.Open("private global::System.Collections.Generic.IEnumerable<string> TrainableParameterNames()");
        w.Open("foreach (var (name, _) in NamedTrainableParameters())");
        w.Line("yield return name;");
        w.Close();
        w.Close();
    }

    private static void EmitMerge(SourceWriter w)
    {
        w.Line("/// <summary>Merges every LoRA tuner into its frozen linear's weight, so inference runs without the extra matmuls.</summary>");
        w.Line("/// <returns><c>path/tuner</c> for each tuner merged.</returns>");
        w.Line("public global::System.Collections.Generic.IReadOnlyList<string> Merge() => Taps.Merge();");
        w.Line();
        w.Line("/// <summary>Undoes <see cref=\"Merge\"/>.</summary>");
        w.Line("/// <returns><c>path/tuner</c> for each tuner unmerged.</returns>");
        w.Line("public global::System.Collections.Generic.IReadOnlyList<string> Unmerge() => Taps.Unmerge();");
    }
}
