using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Shared.Appliances;

/// <summary>The outcome of authenticating an appliance call.</summary>
public abstract record ApplianceAuthOutcome
{
    /// <summary>A valid credential, allowed on the requested project and appliance.</summary>
    public sealed record Allowed(ApplianceIdentity Identity) : ApplianceAuthOutcome;

    /// <summary>No credential, a malformed, unknown, wrong or revoked one (401).</summary>
    public sealed record Unauthenticated : ApplianceAuthOutcome;

    /// <summary>A valid credential of another project or appliance (403).</summary>
    public sealed record Forbidden(string Detail) : ApplianceAuthOutcome;
}

/// <summary>
/// Checks an appliance credential: the ids it carries lead to the appliance's row in its project's
/// region, the secret is checked against the stored salted hash in constant time, and the call is
/// allowed only on the appliance's own project (and appliance name, when the route has one).
/// Never logs the credential.
/// </summary>
public sealed class ApplianceAuthenticator(ProjectDirectory directory, ApplianceRepository appliances, ILogger<ApplianceAuthenticator> logger)
{
    /// <summary>Authenticates a call on <paramref name="projectName"/> (and <paramref name="applianceName"/> if given).</summary>
    public async Task<ApplianceAuthOutcome> AuthenticateAsync(string? credential, string projectName, string? applianceName, CancellationToken cancellationToken)
    {
        var parsed = ApplianceCredentials.Parse(credential);
        if (parsed is null)
        {
            return new ApplianceAuthOutcome.Unauthenticated();
        }

        var project = await directory.FindByIdAsync(parsed.ProjectId, cancellationToken).ConfigureAwait(false);
        var record = project is null
            ? null
            : await appliances.GetByIdAsync(project.Region, project.ProjectId, parsed.ApplianceId, cancellationToken).ConfigureAwait(false);
        if (project is null || record is null || record.Appliance.Revoked || !ApplianceCredentials.Verify(record.Credential, parsed.Secret))
        {
            logger.LogWarning("Appliance call refused: credential for appliance {ApplianceId} is unknown, revoked or wrong", parsed.ApplianceId);
            return new ApplianceAuthOutcome.Unauthenticated();
        }

        var appliance = record.Appliance;
        if (!string.Equals(project.Name, projectName, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Appliance {ApplianceId} of project {ProjectId} tried to reach another project", appliance.Id, project.ProjectId);
            return new ApplianceAuthOutcome.Forbidden("This appliance credential belongs to another project; an appliance can reach only the project it is registered to.");
        }

        if (applianceName is not null && !string.Equals(appliance.Name, applianceName, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogWarning("Appliance {ApplianceId} of project {ProjectId} tried to act as another appliance", appliance.Id, project.ProjectId);
            return new ApplianceAuthOutcome.Forbidden("This appliance credential belongs to another appliance of the project.");
        }

        return new ApplianceAuthOutcome.Allowed(
            new ApplianceIdentity(project.ProjectId, project.Name, project.Region, appliance.Id, appliance.Name, appliance.SourceType));
    }
}
