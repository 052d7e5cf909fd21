namespace ResTuning.Bypass;

/// <summary>Argument checks shared by the tap sources.</summary>
internal static class TapChecks
{
    public static void LastTap(int lastTap, int tapCount)
    {
        if (lastTap < 0 || lastTap >= tapCount)
            throw new ArgumentOutOfRangeException(nameof(lastTap), lastTap, $"The source has taps 0..{tapCount - 1}; ask for one of them.");
    }

    public static ArgumentException UnknownPoint(string point, IEnumerable<string> known) =>
        new($"'{point}' is not a re-entry point of this backbone. Known points: {string.Join(", ", known)}.", nameof(point));

    public static string[] Distinct(IEnumerable<string> names) => names.Distinct(StringComparer.Ordinal).ToArray();
}
