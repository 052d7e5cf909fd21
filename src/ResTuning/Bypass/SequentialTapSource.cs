namespace ResTuning.Bypass;

/// <summary>
/// Taps of any chain of modules: <c>x_0 = stem(input)</c>, <c>x_l = stage_l(x_{l-1})</c>, optionally followed by
/// a <c>tail</c> that is only run on re-entry. Suits U-Net-like decoders whose stages change the spatial size
/// and channel count. Re-entry points: each stage's name (its input) and <c>tail</c>.
/// </summary>
public sealed class SequentialTapSource : ChainTapSource
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly (string Name, nn.Module<Tensor, Tensor> Module)[] stages;
    private readonly nn.Module<Tensor, Tensor>? tail;

    /// <summary>Creates the source.</summary>
    /// <param name="stem">Computes x_0 from the input.</param>
    /// <param name="stages">Named stages; stage l computes x_l from x_{l-1}.</param>
    /// <param name="tail">Optional layers after the last stage, run only when a bypass re-enters.</param>
    /// <param name="freeze">Turn off gradients of every parameter of the chain (the default).</param>
    public SequentialTapSource(nn.Module<Tensor, Tensor> stem, IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> stages,
        nn.Module<Tensor, Tensor>? tail = null, bool freeze = true)
    {
        this.stem = stem ?? throw new ArgumentNullException(nameof(stem));
        this.stages = (stages ?? throw new ArgumentNullException(nameof(stages))).ToArray();
        this.tail = tail;
        if (this.stages.Length == 0) throw new ArgumentException("Give at least one stage to tap.", nameof(stages));
        var names = this.stages.Select(s => s.Name).ToArray();
        if (names.Any(string.IsNullOrWhiteSpace) || TapChecks.Distinct(names).Length != names.Length || names.Contains("stem") || names.Contains("tail"))
            throw new ArgumentException("Stage names must be non-empty, distinct, and neither 'stem' nor 'tail'.", nameof(stages));
        if (freeze)
            foreach (var m in new[] { stem }.Concat(this.stages.Select(s => s.Module)).Concat(tail is null ? Array.Empty<nn.Module<Tensor, Tensor>>() : new[] { tail }))
                foreach (var p in m.parameters()) p.requires_grad = false;
        SetPoints(new[] { "stem" }.Concat(names).ToArray(), tail is null ? names : names.Concat(new[] { "tail" }).ToArray());
    }

    /// <inheritdoc />
    private protected override void Run(List<Tensor> taps, Tensor input, int lastTap)
    {
        taps.Add(stem.call(input));
        for (var l = 1; l <= lastTap; l++) taps.Add(stages[l - 1].Module.call(taps[^1]));
    }

    /// <inheritdoc />
    public override Tensor Reenter(string point, Tensor features)
    {
        var start = point == "tail" && tail is not null ? stages.Length : Array.FindIndex(stages, s => s.Name == point);
        if (start < 0) throw TapChecks.UnknownPoint(point, ReentryPoints);
        for (var i = start; i < stages.Length; i++) features = stages[i].Module.call(features);
        return tail is null ? features : tail.call(features);
    }
}
