using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ResTuning.Generators.Model;

/// <summary>
/// Tap paths as written in attributes, parsed and resolved against the backbone type (see <see cref="TapResolver"/>),
/// each failure reported on the segment that fails.
/// </summary>
internal sealed partial class ModelParser
{
    private ResolvedTap? ResolveTap(AttributeData attribute, ITypeSymbol backbone)
    {
        var text = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
        return ResolveText(text, ArgumentSyntax(attribute, null), backbone);
    }

    private ResolvedTap? ResolveNamedTap(AttributeData attribute, string property, ITypeSymbol backbone)
    {
        var text = NamedString(attribute, property);
        return text is null ? null : ResolveText(text, ArgumentSyntax(attribute, property), backbone);
    }

    /// <summary>
    /// Parses and resolves a tap path written at <paramref name="baseOffset"/> in the literal <paramref name="syntax"/>. A tap,
    /// parallel or bypass, may end inside a compiled module whose children only the runtime can see (RT0040).
    /// </summary>
    private ResolvedTap? ResolveText(string? text, ExpressionSyntax? syntax, ITypeSymbol backbone, int baseOffset = 0)
    {
        var path = TapPath.TryParse(text, out var parseError);
        if (path is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedTap, SegmentLocation(syntax, baseOffset + parseError!.Offset, parseError.Length), text ?? "", parseError.Message));
            return null;
        }
        var resolved = TapResolver.Resolve(backbone, path, known, compilation, type, out var failure);
        if (resolved is null)
        {
            var segment = path.Segments[failure!.SegmentIndex];
            var info = new DiagnosticInfo(failure.Descriptor, SegmentLocation(syntax, baseOffset + segment.Offset, segment.Length), failure.Arguments);
            diagnostics.Add(failure.Suggestion is { } suggestion ? info.WithProperty(DiagnosticPropertyNames.Suggestion, suggestion) : info);
        }
        else if (resolved.IsCheckedAtRunTime)
        {
            var segment = path.Segments[resolved.RuntimeFrom];
            var parent = resolved.RuntimeFrom == 0 ? backbone : null;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeCheckedTap, SegmentLocation(syntax, baseOffset + segment.Offset, segment.Length),
                path.Text, segment.Text, parent?.Name ?? ParentTypeName(resolved)));
        }
        return resolved;
    }

    /// <summary>The span of characters <paramref name="offset"/>..+<paramref name="length"/> of a string literal's value; the whole expression when the literal is not plain.</summary>
    private static LocationInfo? SegmentLocation(ExpressionSyntax? syntax, int offset, int length)
    {
        if (syntax is null) return null;
        if (syntax is LiteralExpressionSyntax literal && literal.Token.IsKind(SyntaxKind.StringLiteralToken) &&
            literal.Token.Text.Length == literal.Token.ValueText.Length + 2 && literal.Token.Text[0] == '"')
        {
            var start = literal.Token.SpanStart + 1 + offset;
            return LocationInfo.From(syntax.SyntaxTree, new Microsoft.CodeAnalysis.Text.TextSpan(start, Math.Max(length, 0)));
        }
        return LocationInfo.From(syntax);
    }

    private ResolvedTap? ResolveSingle(AttributeData attribute, string property, ITypeSymbol backbone)
    {
        var tap = ResolveNamedTap(attribute, property, backbone);
        if (tap is null) return null;
        if (tap.Steps.Any(s => s.IsLoop))
        {
            var selects = tap.MatchCount >= 0 ? tap.MatchCount.ToString(CultureInfo.InvariantCulture) + " modules" : "several modules";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SingleModuleExpected, ArgumentLocation(attribute, property), property, tap.Path.Text, selects));
            return null;
        }
        if (!tap.IsTensorModule)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, ArgumentLocation(attribute, property), tap.Path.Text,
                "the bypass " + property.ToLowerInvariant(), ShortType(tap.ModuleType), TensorModuleRequirement(tap)));
            return null;
        }
        return tap;
    }

    /// <summary>
    /// Why a bypass tap must run as one module, and for a list of modules (a ResNet stage is a <c>ModuleList</c> of blocks,
    /// which its owner's forward iterates, so the list itself never runs) which element to tap instead.
    /// </summary>
    private static string TensorModuleRequirement(ResolvedTap tap) =>
        IsModuleList(tap.ModuleType)
            ? $"it must be an nn.Module<Tensor, Tensor>, and a list of modules never runs as one: tap one of its elements, e.g. its last ('{tap.Path.Text}.N')"
            : "it must be an nn.Module<Tensor, Tensor>";

    private static bool IsModuleList(string moduleType)
    {
        var generic = moduleType.IndexOf('<');
        var name = generic < 0 ? moduleType : moduleType.Substring(0, generic);
        return name == "ModuleList" || name.EndsWith(".ModuleList", StringComparison.Ordinal);
    }

    /// <summary>Resolves the comma-separated paths of <c>Taps</c>, each reported at its own span.</summary>
    private void ResolveTapList(AttributeData attribute, ITypeSymbol backbone, List<ResolvedTap> taps, List<int> offsets)
    {
        var text = NamedString(attribute, "Taps")!;
        var syntax = ArgumentSyntax(attribute, "Taps");
        var offset = 0;
        foreach (var part in text.Split(','))
        {
            var trimmed = part.Trim();
            var at = offset + part.IndexOf(trimmed, StringComparison.Ordinal);
            offset += part.Length + 1;
            var tap = ResolveText(trimmed.Length == 0 ? null : trimmed, syntax, backbone, trimmed.Length == 0 ? offset - part.Length - 1 : at);
            if (tap is null) continue;
            if (!tap.IsTensorModule)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleModule, SegmentLocation(syntax, at, trimmed.Length), tap.Path.Text,
                    "a bypass tap", ShortType(tap.ModuleType), TensorModuleRequirement(tap)));
                continue;
            }
            taps.Add(tap);
            offsets.Add(at);
        }
    }

    /// <summary>Overlaps, forward order, and the output point after the last tap, as far as the paths tell.</summary>
    private void CheckTapGeometry(AttributeData attribute, ResolvedTap? start, List<ResolvedTap> taps, List<int> offsets, ResolvedTap? output)
    {
        var tapsSyntax = ArgumentSyntax(attribute, "Taps");

        var ordered = new List<(ResolvedTap Tap, LocationInfo? Location)>();
        if (start is not null) ordered.Add((start, ArgumentLocation(attribute, "Start")));
        ordered.AddRange(taps.Select((t, i) => (t, SegmentLocation(tapsSyntax, offsets[i], t.Path.Text.Length))));
        for (var j = 1; j < ordered.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                var (earlier, _) = ordered[i];
                var (later, location) = ordered[j];
                if (TapOverlap.Overlap(earlier, later))
                {
                    var why = earlier.Path.Text == later.Path.Text ? "the same module is listed twice"
                        : earlier.Path.Segments.Count == later.Path.Segments.Count ? "they select common modules"
                        : "one is inside the other";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OverlappingTaps, location, later.Path.Text, earlier.Path.Text, why));
                }
                else if (TapOverlap.SurelyBefore(later, earlier))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TapsOutOfOrder, location, later.Path.Text, earlier.Path.Text));
            }
        }

        if (output is null) return;
        var outputLocation = ArgumentLocation(attribute, "Output");
        foreach (var (tap, _) in ordered)
        {
            if (TapOverlap.Overlap(tap, output))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputBeforeLastTap, outputLocation, output.Path.Text,
                    $"overlaps the tap '{tap.Path.Text}'", taps[taps.Count - 1].Path.Text));
            else if (TapOverlap.SurelyBefore(output, tap))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputBeforeLastTap, outputLocation, output.Path.Text,
                    $"runs before the tap '{tap.Path.Text}'", taps[taps.Count - 1].Path.Text));
        }
    }

    /// <summary>Number of taps x_0..x_L (x_0 included), or -1 when a list count is only known at run time.</summary>
    private static int TapCount(List<ResolvedTap> taps)
    {
        var count = 1; // x_0: the start module's output, or the first tap's input
        foreach (var tap in taps)
        {
            if (tap.MatchCount < 0) return -1;
            count += tap.MatchCount;
        }
        return count;
    }

    /// <summary>The short name of the compiled type a runtime-checked tap starts inside (the step before its first runtime step).</summary>
    private static string ParentTypeName(ResolvedTap tap)
    {
        var full = tap.Steps[tap.RuntimeFrom - 1].ResultType;
        var generic = full.IndexOf('<');
        var head = generic < 0 ? full : full.Substring(0, generic);
        return head.Substring(head.LastIndexOf('.') + 1);
    }
}
