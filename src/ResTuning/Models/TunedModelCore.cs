using ResTuning.Checkpoints;

namespace ResTuning;

/// <summary>
/// The behaviour <see cref="TunedModel{TResult}"/> and <see cref="TunedModel{T2, TResult}"/> share (two bases, one per
/// TorchSharp forward arity): trainable parameters, counts, tuner checkpoints, and giving the backbone back as it was.
/// </summary>
internal sealed class TunedModelCore
{
    private readonly nn.Module owner;
    private readonly GradientFlags? backboneRequiresGrad;

    /// <param name="owner">The generated model.</param>
    /// <param name="backbone">The backbone it was given.</param>
    /// <param name="freezesBackbone">
    /// The model freezes the backbone itself (parallel models), so it records and restores <c>requires_grad</c>; a bypass's
    /// tap source freezes it and restores it when disposed.
    /// </param>
    public TunedModelCore(nn.Module owner, nn.Module backbone, bool freezesBackbone)
    {
        this.owner = owner;
        Backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        if (freezesBackbone)
            backboneRequiresGrad = GradientFlags.Record(backbone);
    }

    public nn.Module Backbone { get; }

    /// <summary>Set once the backbone was handed back (<c>Unload</c>) or the model disposed.</summary>
    public string? ReleasedBy { get; private set; }

    public IEnumerable<(string Name, Parameter Parameter)> NamedTrainableParameters()
    {
        foreach (var (name, parameter) in owner.named_parameters())
        {
            if (parameter.requires_grad) yield return (name, parameter);
        }
    }

    /// <summary>The model's parameters and the backbone's, each counted once whether or not the backbone is registered.</summary>
    public ParameterCounts CountParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        long trainable = 0, total = 0;
        foreach (var p in owner.parameters().Concat(Backbone.parameters()))
        {
            if (!seen.Add(p)) continue;
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return new ParameterCounts(trainable, total);
    }

    public void SaveTuners(string path) =>
        TunerCheckpoint.Save(owner, path, NamedTrainableParameters().Select(p => p.Name));

    public void LoadTuners(string path) =>
        TunerCheckpoint.Load(owner, path, NamedTrainableParameters().Select(p => p.Name).ToArray());

    /// <summary>Gives every backbone parameter back the <c>requires_grad</c> it had before the model froze it.</summary>
    public void RestoreBackboneGradients() => backboneRequiresGrad?.Restore();

    public void MarkReleased(string how) => ReleasedBy ??= how;

    public void ThrowIfReleased()
    {
        if (ReleasedBy is null) return;
        throw new InvalidOperationException(
            $"This {owner.GetType().Name} was {ReleasedBy}: its backbone no longer carries its tuners. Use the backbone directly, or wrap it again.");
    }
}
