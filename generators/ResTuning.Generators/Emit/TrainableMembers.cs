namespace ResTuning.Generators.Emit;

/// <summary>
/// Members every generated model has: trainable-parameter enumeration and counts, PEFT's summary line, and
/// tuner-only checkpoints.
/// </summary>
internal static class TrainableMembers
{
    public static void EmitParameters(SourceWriter w, long constantCount, string countExpression, string constantSummary, string namedSummary)
    {
        if (constantCount >= 0)
        {
            w.Line($"/// <summary>{constantSummary}</summary>");
            w.Line($"public const long TrainableParameterCount = {CSharpText.Long(constantCount)};");
            w.Line();
        }

        w.Line($"/// <summary>{namedSummary}</summary>");
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
        w.Line($"public global::ResTuning.ParameterCounts CountParameters() => {countExpression};");
        w.Line();
        w.Line("/// <summary>Prints <c>trainable params: X || all params: Y || trainable%: Z</c>, as PEFT does.</summary>");
        w.Line("public void PrintTrainableParameters() => global::System.Console.WriteLine(CountParameters().ToString());");
    }

    public static void EmitCheckpoints(SourceWriter w, string what)
    {
        w.Line($"/// <summary>Writes the trainable parameters only ({what}) to <paramref name=\"path\"/>, atomically.</summary>");
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
}
