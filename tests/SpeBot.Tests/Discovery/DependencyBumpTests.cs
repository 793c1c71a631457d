using SpeBot.Core.Discovery;

namespace SpeBot.Tests.Discovery;

public sealed class DependencyBumpTests
{
    [Theory]
    [InlineData("Bump Npgsql from 8.0.5 to 10.0.3", "Npgsql", true)]
    [InlineData("Bump Npgsql from 10.0.2 to 10.0.3", "Npgsql", false)]
    [InlineData("build(deps): bump lodash from 4.17.20 to 4.17.21 in /web", "lodash", false)]
    [InlineData("chore(deps-dev): bump typescript from 4.9.5 to 5.0.2", "typescript", true)]
    [InlineData("Bump serde from 0.9.1 to 0.10.0", "serde", true)]
    [InlineData("Bump actions/checkout from v3 to v4", "actions/checkout", true)]
    [InlineData("Update dependency chart.js to v5", "chart.js", true)]
    [InlineData("Update dependency chart.js to v4.4.1", "chart.js", false)]
    [InlineData("chore(deps): update actions/checkout action to v4 (major)", "actions/checkout", true)]
    [InlineData("fix(deps): update dependency react to v19.0.0 (major)", "react", true)]
    public void TitlesOfDependabotAndRenovateAreRead(string title, string package, bool major)
    {
        var bump = DependencyBump.Parse(title);
        Assert.NotNull(bump);
        Assert.Equal((package, major), (bump.Package, bump.IsMajor));
    }

    [Theory]
    [InlineData("Bump the npm group across 1 directory with 3 updates")]
    [InlineData("Fix the login page")]
    [InlineData("Update README")]
    public void OtherTitlesAreNotBumps(string title) => Assert.Null(DependencyBump.Parse(title));
}
