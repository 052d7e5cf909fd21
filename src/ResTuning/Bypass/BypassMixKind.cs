namespace ResTuning.Bypass;

/// <summary>How a bypass stage combines its lateral and vertical outputs.</summary>
public enum BypassMixKind
{
    /// <summary><c>b_l = lateral + vertical</c>.</summary>
    Sum,

    /// <summary>The paper's form with a constant λ: <c>b_l = λ·lateral + (1-λ)·vertical</c>.</summary>
    FixedLambda,

    /// <summary>The paper's form with λ learned (a parameter named <c>lambda</c>).</summary>
    LearnedLambda,
}
