using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using MigrateHub.Functions.Http;
using MigrateHub.Shared.Appliances;

namespace MigrateHub.Functions.Appliances;

/// <summary>
/// Authenticates appliance calls (routes with AuthorizationLevel.Anonymous): the credential in the
/// <c>x-appliance-key</c> header or as <c>Authorization: Bearer</c>. 401 when missing, wrong or revoked;
/// 403 when valid but for another project or appliance. Use it first in every appliance-facing function.
/// </summary>
public static class ApplianceHttpAuth
{
    /// <summary>The caller's identity, or the 401/403 answer to send.</summary>
    public static async Task<(ApplianceIdentity? Identity, IActionResult? Error)> AuthenticateAsync(
        ApplianceAuthenticator authenticator, HttpRequest request, string projectName, string? applianceName)
    {
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(request);
        var credential = ApplianceCredentials.FromHeaders(
            request.Headers[ApplianceCredentials.Header].FirstOrDefault(), request.Headers.Authorization.FirstOrDefault());
        var outcome = await authenticator.AuthenticateAsync(credential, projectName, applianceName, request.HttpContext.RequestAborted).ConfigureAwait(false);
        switch (outcome)
        {
            case ApplianceAuthOutcome.Allowed allowed:
                return (allowed.Identity, null);
            case ApplianceAuthOutcome.Forbidden forbidden:
                return (null, ApiProblems.Problem(StatusCodes.Status403Forbidden, "Forbidden.", forbidden.Detail));
            default:
                request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"MigrateHub appliance\"";
                return (null, ApiProblems.Problem(
                    StatusCodes.Status401Unauthorized,
                    "Unauthorized.",
                    $"This call needs a valid appliance credential in the '{ApplianceCredentials.Header}' header (or 'Authorization: Bearer'). " +
                    "It is missing, malformed, revoked or not valid."));
        }
    }
}
