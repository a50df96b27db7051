using MigrateHub.Shared.Appliances;

namespace MigrateHub.Functions.Appliances;

/// <summary>An appliance as the API shows it, in the shape of an Azure child resource.</summary>
public sealed record ApplianceView(string Id, string Name, string Type, ApplianceProperties Properties)
{
    /// <summary>Resource type of appliances.</summary>
    public const string ResourceType = "MigrateHub/projects/appliances";

    /// <summary>From the stored appliance.</summary>
    public static ApplianceView From(string projectName, Appliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        return new ApplianceView(
            $"/projects/{projectName}/appliances/{appliance.Name}",
            appliance.Name,
            ResourceType,
            new ApplianceProperties(
                appliance.Id,
                appliance.SourceType,
                appliance.Health,
                appliance.LastSeen,
                appliance.RegisteredAt,
                appliance.CredentialIssuedAt,
                appliance.Revoked ? "Revoked" : "Active",
                appliance.RevokedAt,
                ApplianceLimits.MaxServers(appliance.SourceType),
                appliance.DiscoveredServers,
                appliance.AgentVersion));
    }
}

/// <summary>Properties of an appliance.</summary>
public sealed record ApplianceProperties(
    string ApplianceId,
    string SourceType,
    string Health,
    DateTimeOffset? LastSeen,
    DateTimeOffset RegisteredTimestamp,
    DateTimeOffset CredentialIssuedTimestamp,
    string CredentialState,
    DateTimeOffset? RevokedTimestamp,
    int MaxServers,
    int? DiscoveredServers,
    string? AgentVersion);

/// <summary>A credential, shown once: at registration and at rotation.</summary>
public sealed record ApplianceCredentialView(string Key, string Header, string Note)
{
    /// <summary>Wraps a freshly issued credential.</summary>
    public static ApplianceCredentialView Of(string key) => new(
        key,
        ApplianceCredentials.Header,
        "Shown once: store it on the appliance now. MigrateHub keeps only a salted hash; rotate the credential if it is lost.");
}

/// <summary>The answer to register and rotate: the appliance and, when one was issued, its credential.</summary>
public sealed record ApplianceWithCredentialView(ApplianceView Appliance, ApplianceCredentialView? Credential);

/// <summary>The answer to a heartbeat.</summary>
public sealed record HeartbeatView(string ApplianceId, string Health, DateTimeOffset? LastSeen, int MaxServers);
