using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Http;

/// <summary>RFC 7807 problem details for every error the API returns.</summary>
public static class ApiProblems
{
    /// <summary>Media type of problem details.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>A problem with a status, title and detail.</summary>
    public static ObjectResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeFor(status) };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return Result(problem);
    }

    /// <summary>400 with the fields at fault.</summary>
    public static ObjectResult Validation(string title, string detail, IReadOnlyDictionary<string, string[]> errors)
    {
        var problem = new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = detail,
            Type = TypeFor(StatusCodes.Status400BadRequest),
        };
        return Result(problem);
    }

    /// <summary>404 for a resource that does not exist.</summary>
    public static ObjectResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", what);

    /// <summary>
    /// The answer for an exception a caller should see as a status rather than a 500, or null.
    /// Used by the worker middleware in Azure and by the DevHost.
    /// </summary>
    public static ObjectResult? FromException(Exception exception, HttpResponse? response = null)
    {
        switch (exception)
        {
            case RegionUnavailableException outage:
                var seconds = 30;
                response?.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problem(
                    StatusCodes.Status503ServiceUnavailable,
                    "Region unavailable.",
                    outage.Region == HubStorage.DirectoryRegion
                        ? "The project directory is unavailable. Try again later."
                        : $"The region '{outage.Region}' that holds this project's data is unavailable. Other regions are not affected. Try again later.",
                    new Dictionary<string, object?> { ["region"] = outage.Region, ["retryAfterSeconds"] = seconds });
            case OperationCanceledException:
                return Problem(499, "Request cancelled.", "The client closed the request.");
            default:
                return null;
        }
    }

    private static ObjectResult Result(ProblemDetails problem)
    {
        var result = new ObjectResult(problem) { StatusCode = problem.Status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    private static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        409 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
        410 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
