namespace SpeBot.Host;

/// <summary>Both platforms sign or authenticate the exact bytes sent, so each endpoint reads its body once, capped.</summary>
internal static class RequestBody
{
    /// <summary>The body as bytes, or null when it is over the cap (then the caller answers 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
