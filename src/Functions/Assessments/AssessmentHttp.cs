using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Functions.Http;

namespace MigrateHub.Functions.Assessments;

/// <summary>Body reading for the groups and assessments API: a JSON error names the field at fault.</summary>
internal static class AssessmentHttp
{
    /// <summary>Reads the body; on failure returns a 400 whose 'errors' name the field (JSON path without "$.").</summary>
    public static async Task<(T? Value, IActionResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, RequestBody.Json, cancellationToken).ConfigureAwait(false);
            return value is null
                ? (null, ApiProblems.Problem(400, "A request body is required.", "Send a JSON object in the request body."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            if (ex.Message.Contains("missing required properties", StringComparison.OrdinalIgnoreCase))
            {
                var missing = ex.Message.Split(':', 2).ElementAtOrDefault(1)?.Trim().TrimEnd('.').Trim('\'', ' ');
                field = string.IsNullOrEmpty(missing) ? field : JsonNamingPolicy.CamelCase.ConvertName(missing.Split(',')[0].Trim('\'', ' '));
            }

            return (null, ApiProblems.Validation("The request body is not valid.", $"Fix the fields listed in 'errors'.", new Dictionary<string, string[]>
            {
                [field] = [ex.Message],
            }));
        }
    }
}
