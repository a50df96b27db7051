using Microsoft.AspNetCore.Http;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Functions.Discovery;

/// <summary>An upload's status as returned by the API.</summary>
/// <param name="Upload">The stored record.</param>
/// <param name="StatusUri">Where to poll it.</param>
public sealed record UploadStatusView(UploadRecord Upload, string StatusUri);

/// <summary>URLs of discovery resources.</summary>
internal static class DiscoveryRoutes
{
    public const string ImportAppliance = "import";

    public static string UploadStatus(HttpRequest request, string projectName, string applianceName, string uploadId) =>
        Base(request) + $"api/projects/{Uri.EscapeDataString(projectName)}/appliances/{Uri.EscapeDataString(applianceName)}/uploads/{Uri.EscapeDataString(uploadId)}";

    public static string ImportStatus(HttpRequest request, string projectName, string importId) =>
        Base(request) + $"api/projects/{Uri.EscapeDataString(projectName)}/imports/{Uri.EscapeDataString(importId)}";

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";
}
