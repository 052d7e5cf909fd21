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
