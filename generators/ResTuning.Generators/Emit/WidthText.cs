namespace ResTuning.Generators.Emit;

/// <summary>A tuner width in generated code: a literal, or the tapped module's property that holds it.</summary>
internal static class WidthText
{
    public static string Of(Width width) => width.Source switch
    {
        WidthSource.LinearIn => "module.in_features",
        WidthSource.LinearOut => "module.out_features",
        WidthSource.AttentionEmbed => "((global::ResTuning.Operators.IAttentionOperator)module).EmbedDim",
        WidthSource.ConvIn => "module.in_channels",
        WidthSource.ConvOut => "module.out_channels",
        _ => CSharpText.Int(width.Value),
    };
}
