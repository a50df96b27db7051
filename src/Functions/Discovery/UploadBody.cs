using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Functions.Discovery;

/// <summary>
/// Reads an upload body: size-limited, gzip (Content-Encoding: gzip or the gzip magic bytes) or plain
/// JSON, deserialised strictly and validated. Every failure is a 4xx problem naming the field.
/// </summary>
public static partial class UploadBody
{
    /// <summary>Largest body accepted as sent (compressed).</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    /// <summary>Largest uncompressed JSON accepted.</summary>
    public const int MaxJsonBytes = 256 * 1024 * 1024;

    /// <summary>The raw body bytes, or the 400/413 to send.</summary>
    public static async Task<(byte[]? Bytes, IActionResult? Error)> ReadRawAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, TooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0
            ? (null, ApiProblems.Validation("A request body is required.", "Send the upload as gzip-compressed JSON.", new Dictionary<string, string[]> { ["body"] = ["The body is empty."] }))
            : (buffer.ToArray(), null);
    }

    /// <summary>Reads, decompresses, deserialises and validates an upload.</summary>
    public static async Task<(UploadPayload? Payload, byte[]? Json, IActionResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (payload, json, _, error) = await ReadWithBodyAsync(request, cancellationToken).ConfigureAwait(false);
        return (payload, json, error);
    }

    /// <summary>
    /// Like <see cref="ReadAsync"/>, and also returns the body as sent when it was gzip (so that it can
    /// be stored as is, without compressing the JSON again); null for a plain JSON body.
    /// </summary>
    public static async Task<(UploadPayload? Payload, byte[]? Json, byte[]? Gzip, IActionResult? Error)> ReadWithBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (raw, rawError) = await ReadRawAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (rawError is not null)
        {
            return (null, null, null, rawError);
        }

        var (payload, json, error) = Parse(request, raw!);
        return (payload, json, error is null && !ReferenceEquals(json, raw) ? raw : null, error);
    }

    private static (UploadPayload? Payload, byte[]? Json, IActionResult? Error) Parse(HttpRequest request, byte[] raw)
    {
        var declaredGzip = request.Headers.ContentEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        var looksGzip = raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
        var json = raw;
        if (declaredGzip || looksGzip)
        {
            try
            {
                json = Decompress(raw);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                return (null, null, ApiProblems.Validation(
                    "The body is not valid gzip.",
                    "The upload is declared as gzip (Content-Encoding: gzip) but could not be decompressed: " + ex.Message,
                    new Dictionary<string, string[]> { ["Content-Encoding"] = ["The body is not a valid gzip stream."] }));
            }
            catch (InvalidOperationException)
            {
                return (null, null, TooLarge(MaxJsonBytes, "uncompressed "));
            }
        }

        UploadPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<UploadPayload>(json, DiscoveryJson.Options);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex);
            return (null, null, ApiProblems.Validation(
                "The upload is not valid JSON of the expected shape.",
                $"Malformed or mistyped value at '{field}': {ex.Message}",
                new Dictionary<string, string[]> { [field] = [ex.Message] }));
        }

        if (payload is null)
        {
            return (null, null, ApiProblems.Validation("A request body is required.", "The body is JSON null.", new Dictionary<string, string[]> { ["body"] = ["null"] }));
        }

        var errors = UploadValidator.Validate(payload);
        if (errors.Count > 0)
        {
            return (null, null, ApiProblems.Validation(
                "The upload is not valid.",
                "Fix the fields listed in 'errors': " + string.Join("; ", errors.Take(5).Select(e => $"{e.Key}: {e.Value[0]}")),
                errors));
        }

        return (payload with { Kind = UploadKinds.Normalize(payload.Kind) }, json, null);
    }

    /// <summary>The JSON path of a deserialisation error, as "servers[0].cores" (missing required properties appended).</summary>
    public static string FieldOf(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
        var missing = MissingProperty().Match(ex.Message);
        if (missing.Success)
        {
            path = string.IsNullOrEmpty(path) ? missing.Groups[1].Value : path + "." + missing.Groups[1].Value;
        }

        return string.IsNullOrEmpty(path) ? "body" : path;
    }

    private static byte[] Decompress(byte[] raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = gzip.Read(chunk)) > 0)
        {
            if (output.Length + read > MaxJsonBytes)
            {
                throw new InvalidOperationException("too large");
            }

            output.Write(chunk, 0, read);
        }

        return output.ToArray();
    }

    private static ObjectResult TooLarge(int limit, string what = "") => ApiProblems.Problem(
        StatusCodes.Status413PayloadTooLarge,
        "The upload is too large.",
        $"The {what}body is larger than {limit / (1024 * 1024)} MB; split the upload.",
        new Dictionary<string, object?> { ["limitBytes"] = limit });

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingProperty();
}
