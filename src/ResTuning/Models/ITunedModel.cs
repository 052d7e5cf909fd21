namespace ResTuning;

/// <summary>
/// What every generated model (parallel, bypass, multi-task) offers, so code over "any tuned model" (a training loop,
/// a checkpoint tool) is written once. The names follow PEFT (<c>print_trainable_parameters</c>, <c>save_pretrained</c>).
/// </summary>
public interface ITunedModel : IDisposable
{
    /// <summary>The parameters an optimizer updates (tuners, learned scales, heads, <c>[Trainable]</c> modules).</summary>
    /// <returns>The parameters whose <c>requires_grad</c> is set.</returns>
    IEnumerable<Parameter> TrainableParameters();

    /// <summary>The trainable parameters with their state-dict names, e.g. <c>taps.blocks_0_attn.tuners.adapter.down.weight</c>.</summary>
    /// <returns>Name and parameter of each parameter whose <c>requires_grad</c> is set.</returns>
    IEnumerable<(string Name, Parameter Parameter)> NamedTrainableParameters();

    /// <summary>Trainable and total parameter elements, the frozen backbone counted once.</summary>
    /// <returns>The counts.</returns>
    ParameterCounts CountParameters();

    /// <summary>Prints <c>trainable params: X || all params: Y || trainable%: Z</c>, as PEFT does.</summary>
    void PrintTrainableParameters();

    /// <summary>Writes the trainable parameters only to <paramref name="path"/> (safetensors, atomically).</summary>
    /// <param name="path">The file to write.</param>
    void SaveTuners(string path);

    /// <summary>Loads the trainable parameters from <paramref name="path"/>; a mismatched or corrupt file is refused before any weight changes.</summary>
    /// <param name="path">A file written by <see cref="SaveTuners"/>.</param>
    void LoadTuners(string path);
}
