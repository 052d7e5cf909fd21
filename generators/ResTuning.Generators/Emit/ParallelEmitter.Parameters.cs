namespace ResTuning.Generators.Emit;

internal static partial class ParallelEmitter
{
    /// <summary>PEFT's merging verbs, declared only where a LoRA makes them meaningful; the runtime base does the work.</summary>
    private static void EmitMerge(SourceWriter w, string backboneType)
    {
        w.Line("/// <summary>Merges every LoRA tuner into its frozen linear's weight, so inference runs without the extra matmuls.</summary>");
        w.Line("/// <returns><c>path/tuner</c> for each tuner merged.</returns>");
        w.Line($"public {ModelSurface.NameList} Merge() => MergeTuners();");
        w.Line();
        w.Line("/// <summary>Undoes <see cref=\"Merge\"/>: each merged weight gets back its exact value from before merging.</summary>");
        w.Line("/// <returns><c>path/tuner</c> for each tuner unmerged.</returns>");
        w.Line($"public {ModelSurface.NameList} Unmerge() => UnmergeTuners();");
        w.Line();
        w.Line("/// <summary>Folds every LoRA into its linear's weight for good, removes the hooks and returns the backbone (PEFT's <c>merge_and_unload</c>).</summary>");
        w.Line("/// <returns>The backbone, computing the tuned function on its own.</returns>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">A tuner other than a LoRA is attached; nothing changes.</exception>");
        w.Line($"{ModelSurface.MergeAndUnloadSignature(backboneType)} => MergeAndUnloadTuners();");
    }
}
