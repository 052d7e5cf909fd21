namespace ResTuning.Generators.Emit;

internal static partial class BypassEmitter
{
    private const string Stage = "global::ResTuning.Bypass.BypassStage";

    private static void EmitStages(SourceWriter w, BypassSpec spec)
    {
        if (spec.Widths.Count > 1)
        {
            w.Line("// Widths of x_0..x_L, from [ResTuningBypass(Widths = ...)].");
            w.Line($"private static readonly long[] TapWidths = {{ {string.Join(", ", spec.Widths.Select(v => CSharpText.Int(v)))} }};");
            w.Line();
        }
        w.Line("/// <summary>Width of tap x_l.</summary>");
        w.Line(spec.Widths.Count switch
        {
            0 => "private static long Width(int l) => throw new global::System.InvalidOperationException(\"The bypass width is not known.\");",
            1 => $"private static long Width(int l) => {CSharpText.Int(spec.Widths[0])};",
            _ => "private static long Width(int l) => TapWidths[l];",
        });
        w.Line();
        w.Line("/// <summary>One stage per tap after x_0: " + Display(spec.Lateral) + " lateral, " + Display(spec.Vertical) + " vertical"
            + spec.Resize switch
            {
                FeatureMapStep.Upsample => " (per pixel, on [B, C, H, W] feature maps), an upsample step between taps",
                FeatureMapStep.Downsample => " (per pixel, on [B, C, H, W] feature maps), a downsample step between taps",
                _ => "",
            } + ".</summary>");
        w.Open($"private static global::System.Collections.Generic.List<{Stage}> CreateStages(int count)");
        if (spec.Widths.Count > 1)
        {
            w.Open("if (count != TapWidths.Length - 1)");
            w.Line("throw new global::System.InvalidOperationException($\"The backbone has {count + 1} taps (x_0..x_L) but Widths lists \" + TapWidths.Length + \"; give one width per tap.\");");
            w.Close();
        }
        w.Line($"var stages = new global::System.Collections.Generic.List<{Stage}>(count);");
        w.Open("for (var l = 1; l <= count; l++)");
        w.Line($"stages.Add(new {Stage}(");
        var perPixel = spec.Resize != FeatureMapStep.None;
        w.Line($"    {Tuner(spec.Lateral, "lateral", perPixel)},");
        w.Line($"    {Tuner(spec.Vertical, "vertical", perPixel)},");
        w.Line($"    {Mix(spec)},");
        var resize = spec.Resize switch
        {
            FeatureMapStep.Upsample => "new global::ResTuning.Bypass.UpsampleStage(Width(l - 1), Width(l))",
            FeatureMapStep.Downsample => "new global::ResTuning.Bypass.DownsampleStage(Width(l - 1), Width(l))",
            _ => "null",
        };
        w.Line($"    {resize},");
        w.Line("    $\"stage{l}\"));");
        w.Close();
        w.Line("return stages;");
        w.Close();
    }

    private static void EmitHead(SourceWriter w, BypassSpec spec)
    {
        if (spec.Classes > 0 && spec.Resize != FeatureMapStep.None)
        {
            w.Line($"/// <summary>The generated head: global average pooling of b_L's feature map and a classifier with {CSharpText.Int(spec.Classes)} classes.</summary>");
            w.Line($"private static {ModelFile.TensorModule}? CreateHead(int lastTap) => new global::ResTuning.Bypass.PooledHead(Width(lastTap), {CSharpText.Int(spec.Classes)});");
        }
        else if (spec.Classes > 0)
        {
            w.Line($"/// <summary>The generated head: a class-token classifier over b_L with {CSharpText.Int(spec.Classes)} classes.</summary>");
            w.Line($"private static {ModelFile.TensorModule}? CreateHead(int lastTap) => new global::ResTuning.Bypass.ClassTokenHead(Width(lastTap), {CSharpText.Int(spec.Classes)});");
        }
        else
        {
            w.Line("/// <summary>No generated head (Classes = 0): the output is b_L, or the backbone's output after re-entry.</summary>");
            w.Line($"private static {ModelFile.TensorModule}? CreateHead(int lastTap) => null;");
        }
    }

    /// <summary>The tuner expression; on feature maps (<paramref name="perPixel"/>) it mixes channels pixel by pixel.</summary>
    private static string Tuner(BypassTunerSpec t, string role, bool perPixel)
    {
        var inner = t.Kind switch
        {
            BypassTunerKind.Adapter =>
                $"new global::ResTuning.Tuners.ResAdapter(inFeatures: Width(l), hiddenDim: {CSharpText.Int(t.Dim)}, dropout: {CSharpText.Double(t.Dropout)}, name: {CSharpText.String(role)})",
            BypassTunerKind.LoRA =>
                $"new global::ResTuning.Tuners.LoRA(inFeatures: Width(l), outFeatures: Width(l), rank: {CSharpText.Int(t.Rank)}, alpha: {CSharpText.Double(t.Alpha)}, dropout: {CSharpText.Double(t.Dropout)}, name: {CSharpText.String(role)})",
            _ => "global::TorchSharp.torch.nn.Identity()",
        };
        if (perPixel && t.Kind != BypassTunerKind.Identity) inner = $"new global::ResTuning.Bypass.PerPixel({inner}, {CSharpText.String(role)})";
        // A residual identity is 2·x: keep the identity plain.
        return t.Residual && t.Kind != BypassTunerKind.Identity ? $"new global::ResTuning.Bypass.Residual({inner}, {CSharpText.String(role)})" : inner;
    }

    private static string Mix(BypassSpec spec)
    {
        if (spec.LearnLambda) return $"global::ResTuning.Bypass.BypassMix.LearnedLambda({CSharpText.Double(double.IsNaN(spec.Lambda) ? TunerDefaults.LearnedLambda : spec.Lambda)})";
        return double.IsNaN(spec.Lambda) ? "global::ResTuning.Bypass.BypassMix.Sum()" : $"global::ResTuning.Bypass.BypassMix.Lambda({CSharpText.Double(spec.Lambda)})";
    }

    private static string Display(BypassTunerSpec t) => (t.Residual && t.Kind != BypassTunerKind.Identity ? "residual " : "") + t.Kind switch
    {
        BypassTunerKind.Adapter => $"adapter (dim {CSharpText.Int(t.Dim)})",
        BypassTunerKind.LoRA => $"LoRA (rank {CSharpText.Int(t.Rank)})",
        _ => "identity",
    };
}
