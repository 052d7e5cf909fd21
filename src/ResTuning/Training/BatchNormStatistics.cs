using TorchSharp.Modules;

namespace ResTuning.Training;

/// <summary>
/// Re-estimates a network's batch-norm statistics on new data without touching a weight (AdaBN, Li et al. 2016; PyTorch's
/// <c>torch.optim.swa_utils.update_bn</c>): a frozen backbone fed images from another domain normalises them with the
/// statistics of its pretraining data, and every parameter-efficient method on top inherits that mismatch, while full
/// fine-tuning re-estimates the statistics as it trains.
/// </summary>
public static class BatchNormStatistics
{
    /// <summary>
    /// Replaces the running mean and variance of every batch-norm layer of <paramref name="model"/> with their averages
    /// over <paramref name="batches"/> (each batch's statistics weighted equally), computed without autograd. The weights,
    /// the layers' momentum and every module's training mode are as before afterwards.
    /// </summary>
    /// <param name="model">The network (e.g. a frozen backbone, before tuners are attached).</param>
    /// <param name="batches">Inputs of the network, as its forward takes them; use batches of similar size.</param>
    /// <returns>The number of batch-norm layers updated (0 when the network has none: nothing changes).</returns>
    /// <exception cref="ArgumentException"><paramref name="batches"/> is empty while the network has batch norm; the statistics are
    /// then as before (as after any exception of the forward).</exception>
    public static int Update(nn.Module<Tensor, Tensor> model, IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        // TorchSharp's modules() lists the descendants only; the root comes first, as train(bool) sets it before its children.
        var all = model.modules().Prepend(model).Distinct().ToList();
        var norms = all.OfType<BatchNorm>().Where(n => n.track_running_stats).ToList();
        if (norms.Count == 0) return 0;

        var modes = all.Select(m => (Module: m, m.training)).ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        // Kept until the new statistics are complete, so that a failed update (no batches, a bad input) changes nothing.
        var previous = norms.Select(n => new[] { n.running_mean!.clone(), n.running_var!.clone(), n.num_batches_tracked!.clone() }).ToList();
        var updated = false;
        try
        {
            using var _ = no_grad();
            // Other modules (dropout) stay in evaluation mode; batch norm uses each batch's statistics and, with momentum null,
            // TorchSharp keeps their cumulative average (PyTorch's momentum=None).
            model.eval();
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.momentum = null;
                norm.train();
            }
            var seen = 0;
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                model.call(batch);
                seen++;
            }
            if (seen == 0) throw new ArgumentException("No batches to estimate the batch-norm statistics from: give at least one.", nameof(batches));
            updated = true;
        }
        finally
        {
            using (no_grad())
            {
                for (var i = 0; i < norms.Count; i++)
                {
                    if (!updated)
                    {
                        norms[i].running_mean!.copy_(previous[i][0]);
                        norms[i].running_var!.copy_(previous[i][1]);
                        norms[i].num_batches_tracked!.copy_(previous[i][2]);
                    }
                    foreach (var saved in previous[i]) saved.Dispose();
                }
            }
            for (var i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            foreach (var (module, training) in modes) module.train(training);
        }
        return norms.Count;
    }
}
