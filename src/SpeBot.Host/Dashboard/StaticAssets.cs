using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SpeBot.Host.Dashboard;

/// <summary>
/// Asset URLs carry a hash of their content, so browsers may cache them for a year and a page costs one round trip
/// of HTML once they are cached; a changed file gets a new URL.
/// </summary>
public sealed class StaticAssets(IWebHostEnvironment env)
{
    private readonly ConcurrentDictionary<string, string> _urls = new();

    public string Url(string path) => _urls.GetOrAdd(path, p =>
    {
        var file = env.WebRootFileProvider.GetFileInfo(p);
        if (!file.Exists) return p;
        using var stream = file.CreateReadStream();
        return $"{p}?v={Convert.ToHexStringLower(SHA256.HashData(stream))[..12]}";
    });

    /// <summary>Static files: versioned URLs are immutable for a year.</summary>
    public static void UseCachedStaticFiles(WebApplication app) =>
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx =>
            {
                if (ctx.Context.Request.Query.ContainsKey("v") || ctx.Context.Request.Path.StartsWithSegments("/lib"))
                    ctx.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            },
        });
}
