namespace ResTuning.Generators.Tuners;

/// <summary>
/// One parallel tuner kind as a unit: its parameters as read from its attribute, and what the generator does with them
/// (tap checks, widths, parameter count, constructor expression). Each kind is one sealed record in a file of its own,
/// holding values only, so a <see cref="TunerSpec"/> stays equatable for the incremental generator's cache; its attribute
/// is read and validated by the kind's static <c>Read</c>, registered in <see cref="TunerKinds"/>.
/// </summary>
/// <param name="DefaultName">The tuner's name on its tap when the attribute sets none (<c>TunerAttribute.Name</c>).</param>
/// <param name="Display">The kind as diagnostics name it (<c>Res-Adapter</c>, <c>LoRA</c>...).</param>
/// <param name="IsMergeable">Whether the model can merge it into the frozen weight (declares <c>Merge</c>, <c>Unmerge</c>, <c>MergeAndUnload</c>).</param>
/// <param name="TakesLambda">Whether <c>TunerScaleKind.Lambda</c> applies (an attention split between the tuner and the module).</param>
internal abstract record TunerKindSpec(string DefaultName, string Display, bool IsMergeable = false, bool TakesLambda = false)
{
    /// <summary>The input and output widths the attribute states (0: inferred from the tap, or the model's <c>Features</c>).</summary>
    public virtual (int In, int Out) StatedWidths => (0, 0);

    /// <summary>
    /// The error that keeps this kind off <paramref name="tap"/> (an <c>nn.Module&lt;Tensor, Tensor&gt;</c>), or null;
    /// <paramref name="location"/> is the tap argument's and <paramref name="moduleType"/> the module's short type name.
    /// </summary>
    public virtual DiagnosticInfo? CheckTap(ResolvedTap tap, LocationInfo? location, string moduleType) => null;

    /// <summary>Whether the tuner's output is a <c>[N, C, H, W]</c> map, whose last axis a per-channel scale would miss.</summary>
    public virtual bool OutputsFeatureMap(ResolvedTap tap) => tap.Shape == ModuleShape.Conv2d;

    /// <summary>Widths this kind takes from the module itself, ahead of the shared inference by tap shape; null to use that.</summary>
    public virtual (Width In, Width Out)? OwnWidths(ResolvedTap tap) => null;

    /// <summary>The trainable parameters one instance registers, when the widths are compile-time constants; null when unknown.</summary>
    public virtual long? ParametersPerTap(long inWidth, long outWidth) => null;

    /// <summary>The C# expression that constructs the tuner beside <c>module</c> (named arguments: the line says what each number is).</summary>
    public abstract string Expression(TunerSpec tuner);

    /// <summary>RT0007 on the tap argument: this kind cannot run beside the module, for <paramref name="reason"/>.</summary>
    protected DiagnosticInfo Incompatible(ResolvedTap tap, LocationInfo? location, string moduleType, string reason) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, location, tap.Path.Text, Display, moduleType, reason);
}
