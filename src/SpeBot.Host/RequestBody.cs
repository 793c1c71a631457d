namespace SpeBot.Host;

/// <summary>Both platforms sign or authenticate the exact bytes sent, so each endpoint reads its body once, capped.</summary>
internal static class RequestBody
{
    /// <summary>The body as bytes, or null when it is over the cap (then the caller answers 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        // Sized from Content-Length when given (the common case): one array, no growth, no copy.
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var n = await request.Body.ReadAsync(body.AsMemory(filled), ct);
                if (n == 0) return body[..filled];
                filled += n;
            }
            var extra = new byte[1];
            return await request.Body.ReadAsync(extra, ct) == 0 ? body : null;
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}
