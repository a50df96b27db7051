using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace MigrateHub.Functions.Http;

/// <summary>Reads JSON request bodies, turning malformed input into problem details.</summary>
public static class RequestBody
{
    /// <summary>JSON settings of the API (camelCase, case-insensitive reads).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the body as <typeparamref name="T"/>; on failure returns the 400 to send.</summary>
    public static async Task<(T? Value, IActionResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is 0)
        {
            return (null, ApiProblems.Problem(400, "A request body is required.", "Send a JSON object in the request body."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Json, cancellationToken).ConfigureAwait(false);
            return value is null
                ? (null, ApiProblems.Problem(400, "A request body is required.", "Send a JSON object in the request body."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at '{ex.Path}'";
            return (null, ApiProblems.Problem(400, "The request body is not valid JSON.", $"Malformed JSON{where}: {ex.Message}"));
        }
    }
}
