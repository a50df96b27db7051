using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Projects;

/// <summary>The geographies a project can be created in, with their regions and which of them this deployment hosts.</summary>
public sealed class GeographiesApi(HubStorage storage)
{
    /// <summary><c>GET /api/geographies</c>: every geography (public and Government) with its regions.</summary>
    [Function(nameof(ListGeographies))]
    public IActionResult ListGeographies(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "geographies")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApiVersions.Check(request)
            ?? new OkObjectResult(new Page<GeographyView>(Geographies.All.Select(View).ToList(), null));
    }

    /// <summary>
    /// <c>GET /api/geographies/{geography}</c> (name such as <c>United Kingdom</c>, or its id <c>unitedkingdom</c>):
    /// one geography; 404 listing the valid ones otherwise.
    /// </summary>
    [Function(nameof(GetGeography))]
    public IActionResult GetGeography(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "geographies/{geography}")] HttpRequest request,
        string geography)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiVersions.Check(request) is { } versionError)
        {
            return versionError;
        }

        var found = Geographies.Find(geography)
            ?? Geographies.All.FirstOrDefault(g => string.Equals(IdOf(g), geography, StringComparison.OrdinalIgnoreCase));
        return found is null
            ? ApiProblems.Problem(
                StatusCodes.Status404NotFound,
                "Not found.",
                $"Unknown geography '{geography}'. Valid geographies: {string.Join(", ", Geographies.All.Select(g => g.Name))}.",
                new Dictionary<string, object?> { ["validGeographies"] = Geographies.All.Select(g => g.Name).ToList() })
            : new OkObjectResult(View(found));
    }

    /// <summary>The id of a geography: its name in lowercase without spaces (<c>asiapacific</c>).</summary>
    public static string IdOf(Geography geography)
    {
        ArgumentNullException.ThrowIfNull(geography);
        return new string(geography.Name.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
    }

    private GeographyView View(Geography geography) => new(
        "/geographies/" + IdOf(geography),
        geography.Name,
        geography.Cloud,
        geography.Regions.Select(r => new GeographyRegionView(r, storage.Hosts(r))).ToList());
}

/// <summary>A geography as the API shows it.</summary>
/// <param name="Id">Resource id, <c>/geographies/{id}</c>.</param>
/// <param name="Name">Display name, the value to send as <c>geography</c> when creating a project.</param>
/// <param name="Cloud"><c>Public</c> or <c>Government</c>.</param>
/// <param name="Regions">Regions that can hold project metadata; <c>hosted</c> when this deployment has a stamp there.</param>
public sealed record GeographyView(string Id, string Name, string Cloud, IReadOnlyList<GeographyRegionView> Regions);

/// <summary>A region of a geography.</summary>
public sealed record GeographyRegionView(string Name, bool Hosted);
