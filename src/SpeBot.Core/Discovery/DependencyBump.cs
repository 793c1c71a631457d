using System.Globalization;
using System.Text.RegularExpressions;

namespace SpeBot.Core.Discovery;

/// <summary>
/// A dependency update read from a Dependabot or Renovate pull request title:
/// "Bump Npgsql from 8.0.5 to 10.0.3", "build(deps): bump x from 1.2 to 2.0 in /web",
/// "Update dependency chart.js to v5", "chore(deps): update actions/checkout action to v4 (major)".
/// </summary>
public sealed record DependencyBump(string Package, string? From, string To, bool IsMajor)
{
    public static DependencyBump? Parse(string title)
    {
        var t = title.Trim();
        var bump = DependabotTitle.Match(t);
        if (bump.Success)
        {
            var from = bump.Groups["from"].Value;
            var to = bump.Groups["to"].Value;
            return new DependencyBump(bump.Groups["pkg"].Value, from, to, MajorChange(from, to));
        }
        var update = RenovateTitle.Match(t);
        if (!update.Success) return null;
        var target = update.Groups["to"].Value;
        // Renovate names a major update by its major alone ("to v5") and says "(major)" when configured to;
        // minor and patch updates carry the full version ("to v4.4.1").
        var major = update.Groups["major"].Success || !target.TrimStart('v', 'V').Contains('.', StringComparison.Ordinal);
        return new DependencyBump(update.Groups["pkg"].Value, null, target, major);
    }

    /// <summary>A change of the first number, or of the second while the first is 0 (0.x minors break, by semver).</summary>
    public static bool MajorChange(string from, string to)
    {
        var a = Numbers(from);
        var b = Numbers(to);
        if (a.Count == 0 || b.Count == 0) return false;
        if (a[0] != b[0]) return b[0] > a[0];
        return a[0] == 0 && a.Count > 1 && b.Count > 1 && b[1] > a[1];
    }

    private static List<long> Numbers(string version) =>
        VersionPart.Matches(version.TrimStart('v', 'V')).Select(m => long.Parse(m.Value, CultureInfo.InvariantCulture)).Take(2).ToList();

    // Plain Regex, not [GeneratedRegex]: the generator's types live outside SpeBot.Core namespaces (BoundaryTests).
    private static readonly Regex DependabotTitle = new(@"(?:^|:\s*)bump (?<pkg>\S+) from v?(?<from>[0-9][^\s]*) to v?(?<to>[0-9][^\s]*)", RegexOptions.IgnoreCase);

    private static readonly Regex RenovateTitle = new(@"(?:^|:\s*)update (?:dependency )?(?<pkg>\S+)(?: \S+)?? to (?<to>v?[0-9][^\s]*)(?<major> \(major\))?", RegexOptions.IgnoreCase);

    private static readonly Regex VersionPart = new("[0-9]+");
}
