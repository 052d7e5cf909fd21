namespace ResTuning.Generators.Tuners;

/// <summary>What Res-Prefix and Res-Prompt share: they query the tapped attention's own projections.</summary>
internal static class AttentionTaps
{
    /// <summary>RT0007's reason on any other module.</summary>
    public const string Reason = "it needs an attention implementing ResTuning.Operators.IAttentionOperator";
}
