using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Dashboard;

/// <summary>Section "Dashboard": where sign-in links point and how long a browser session lasts.</summary>
public sealed class DashboardOptions : IValidatableObject
{
    public const string Section = "Dashboard";

    /// <summary>A link from chat is good for this long and once (issue 14).</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The base of the links <c>/spe dashboard</c> sends: the address people reach SpeBot at.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";

    [Range(1, 720, ErrorMessage = "Dashboard:SessionHours must be between {1} and {2}.")]
    public int SessionHours { get; set; } = 12;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp))
            yield return new ValidationResult($"Dashboard:PublicUrl must be an absolute http(s) URL; got '{PublicUrl}'.", [nameof(PublicUrl)]);
    }

    /// <summary>The sign-in URL for a token, under <see cref="PublicUrl"/> (which may carry a path prefix).</summary>
    public string SignInUrl(string token) => $"{PublicUrl.TrimEnd('/')}/signin/{token}";
}
