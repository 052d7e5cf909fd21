#if RESTUNING_GENERATOR
namespace ResTuning.Generators.Abstractions;
#else
namespace ResTuning;
#endif

/// <summary>
/// The default of each tuner parameter, in one place: the attributes' initialisers (parallel tuners and the bypass's
/// <see cref="LateralAttribute"/>/<see cref="VerticalAttribute"/>), the generator (which compiles this file) and the
/// runtime's optional arguments read these constants, so an omitted argument means the same everywhere.
/// </summary>
internal static class TunerDefaults
{
    /// <summary>An adapter's bottleneck width (<c>Dim</c>).</summary>
    public const int AdapterDim = 64;

    /// <summary>A Res-Prefix's or Res-Prompt's length (<c>Length</c>).</summary>
    public const int PrefixLength = 10;

    /// <summary>The standard deviation of a Res-Prefix's random initialisation (<c>InitStd</c>).</summary>
    public const double PrefixInitStd = 0.02;

    /// <summary>A LoRA's or DoRA's rank (<c>Rank</c>).</summary>
    public const int LoRARank = 8;

    /// <summary>A LoRA's or DoRA's α (<c>Alpha</c>); the update is scaled by α/r.</summary>
    public const double LoRAAlpha = 16;

    /// <summary>A tuner's output scale s, fixed or initial (<c>ScaleValue</c>).</summary>
    public const double Scale = 1.0;

    /// <summary>The bypass's lateral and vertical tuners when <c>[Lateral]</c>/<c>[Vertical]</c> is omitted.</summary>
    public const BypassTunerKind BypassTuner = BypassTunerKind.Adapter;

    /// <summary>The initial λ of a learned bypass mix when <c>Lambda</c> is not given (<c>LearnLambda = true</c>).</summary>
    public const double LearnedLambda = 0.5;
}
