using System;
using ResTuning.Samples.Data;
using ResTuning.Samples.Reporting;
using ResTuning.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ResTuning.Samples.Classification;

/// <summary>
/// Measures what training a method costs in memory: the peak resident set during a few AdamW steps at a fixed batch (the
/// backbone's <see cref="IClassificationBackbone.MemoryProbeBatch"/>) minus the resident set before the optimizer existed,
/// so gradients, optimizer state and the activations kept for backward are all counted. At the tuning runs' own small batch
/// the figure of a small network would be lost in allocator noise.
/// </summary>
public static class MemoryProbe
{
    private const int Steps = 3;

    /// <summary>Bytes that <see cref="Steps"/> training steps of <paramref name="run"/> added at their peak.</summary>
    /// <param name="run">A freshly prepared model (its weights are changed; dispose it afterwards).</param>
    /// <param name="forward">Its forward pass on <paramref name="images"/>' inputs (images, or example indices into a tap cache).</param>
    /// <param name="images">Training inputs, repeated to fill the batch (the probe never reads test images).</param>
    /// <param name="batch">Images per probe step.</param>
    /// <param name="device">Where the model is.</param>
    public static long Measure(ITuningRun run, Func<Tensor, Tensor> forward, LabeledImages images, int batch, Device device)
    {
        using var scope = NewDisposeScope();
        var index = arange(batch).remainder(images.Count);
        var x = images.Images.index_select(0, index).to(device);
        var y = images.Labels.index_select(0, index).to(device);
        // Tensors that became garbage earlier (data loading, previous runs) free their native memory in finalizers: let them
        // run now, not during the probe, where they would lower the resident set the probe compares with.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Memory freed earlier (a tap extraction's batches, data loading) that glibc still holds would count as in use now
        // and be reused, unseen, by the steps (the runtime keeps freed memory: NativeHeapPolicy): hand it back first.
        global::ResTuning.Native.NativeHeapPolicy.Trim();
        PeakMemory.ResetPeak();
        var before = PeakMemory.CurrentBytes();
        var optimizer = new LeanAdamW(run.Trainable, 1e-4);
        run.SetTraining(true);
        for (var step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(forward(x), y).backward();
            optimizer.step();
        }
        var peak = PeakMemory.Bytes();
        optimizer.Dispose();
        return Math.Max(0, peak - before);
    }
}
