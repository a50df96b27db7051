using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Functions.Http;

namespace MigrateHub.Functions.Projects;

/// <summary>
/// The optional <c>api-version</c> query parameter. Versions before 2024 are those of classic Azure
/// Migrate projects (for example <c>2018-02-02</c>, <c>2019-10-01</c>), retired in February 2024:
/// they answer 410 Gone. No version means the current one.
/// </summary>
public static class ApiVersions
{
    /// <summary>The version this API implements.</summary>
    public const string Current = "2024-01-01";

    /// <summary>The first version that is not classic.</summary>
    public static readonly DateOnly FirstSupported = new(2024, 1, 1);

    /// <summary>Guidance given to callers of classic projects.</summary>
    public const string ClassicGuidance =
        "Classic projects were retired in February 2024; there is no upgrade path and their inventory was deleted. " +
        "Create a new project (PUT /api/projects/{projectName} with a geography) and register your appliances to it.";

    /// <summary>The answer to send instead of running the call (400 or 410), or null when the version is fine.</summary>
    public static IActionResult? Check(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Query["api-version"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var datePart = value.Length >= 10 ? value[..10] : value;
        if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || (value.Length > 10 && !value[10..].StartsWith("-preview", StringComparison.OrdinalIgnoreCase)))
        {
            var message = $"api-version '{value}' is not a version (yyyy-MM-dd, optionally -preview). The current version is {Current}.";
            return ApiProblems.Validation("The api-version is invalid.", message, new Dictionary<string, string[]> { ["api-version"] = [message] });
        }

        return date < FirstSupported ? Gone($"api-version {value} is a classic project version.") : null;
    }

    /// <summary>410 Gone with the guidance to create a new project.</summary>
    public static ObjectResult Gone(string what) => ApiProblems.Problem(
        StatusCodes.Status410Gone,
        "Classic projects are retired.",
        $"{what} {ClassicGuidance}",
        new Dictionary<string, object?> { ["currentApiVersion"] = Current });
}
