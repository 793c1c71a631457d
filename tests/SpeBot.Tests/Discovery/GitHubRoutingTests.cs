using System.ComponentModel.DataAnnotations;
using System.Text;
using SpeBot.Core.Discovery;
using SpeBot.Host.GitHub;

namespace SpeBot.Tests.Discovery;

public sealed class GitHubRoutingTests
{
    private static GitHubOptions Options() => new()
    {
        Repos =
        [
            new RepoRoute { Repo = "acme/*", Platform = "slack", Workspace = "T1", Channel = "CALL" },
            new RepoRoute { Repo = "acme/web", Platform = "teams", Workspace = "tenant", Channel = "19:web" },
        ],
    };

    [Fact]
    public void AnExactRepositoryWinsOverItsOwnersWildcardAndOthersAreUnmapped()
    {
        var o = Options();
        Assert.Equal("19:web", o.Route("ACME/Web")!.Channel);
        Assert.Equal("CALL", o.Route("acme/api")!.Channel);
        Assert.Null(o.Route("acmecorp/api"));
        Assert.Null(o.Route("other/web"));
    }

    [Fact]
    public void BadRepositoryEntriesAndLabelCategoriesStopStartUpNamingTheKey()
    {
        var o = new GitHubOptions
        {
            Repos = [new RepoRoute { Repo = "not a repo", Platform = "irc", Workspace = "", Channel = "" }],
            Labels = new() { ["spe"] = "nonsense" },
        };
        var errors = o.Validate(new ValidationContext(o)).Select(r => r.ErrorMessage).ToList();
        Assert.Contains(errors, e => e!.StartsWith("GitHub:Repos:0:Repo", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("GitHub:Repos:0:Platform", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("GitHub:Labels:spe", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDefaultLabelIsSpeUntilLabelsAreConfigured()
    {
        Assert.Equal("other", new GitHubOptions().EffectiveLabels["SPE"]);
        var o = new GitHubOptions { Labels = new(StringComparer.OrdinalIgnoreCase) { ["tech-debt"] = "lifecycle" } };
        Assert.False(o.EffectiveLabels.ContainsKey("spe"));
    }

    [Fact]
    public void SignatureIsTheHmacOfTheExactBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"zen\":\"Design for failure.\"}");
        var header = GitHubSignature.Sign("s3cret", body);
        Assert.True(GitHubSignature.IsValid("s3cret", body, header));
        Assert.False(GitHubSignature.IsValid("other", body, header));
        Assert.False(GitHubSignature.IsValid("s3cret", Encoding.UTF8.GetBytes("{\"zen\":\"Design for failure!\"}"), header));
        Assert.False(GitHubSignature.IsValid("s3cret", body, header.Replace("sha256=", "sha1=", StringComparison.Ordinal)));
        Assert.False(GitHubSignature.IsValid("s3cret", body, "sha256=zz"));
        Assert.False(GitHubSignature.IsValid("s3cret", body, null));
    }
}
