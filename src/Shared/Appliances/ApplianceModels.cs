namespace MigrateHub.Shared.Appliances;

/// <summary>The kinds of estate an appliance discovers (Azure Migrate's appliance scenarios).</summary>
public static class ApplianceSourceTypes
{
    /// <summary>VMware vSphere (vCenter Server).</summary>
    public const string VMware = "VMware";

    /// <summary>Hyper-V hosts and clusters.</summary>
    public const string HyperV = "HyperV";

    /// <summary>Physical servers.</summary>
    public const string Physical = "Physical";

    /// <summary>Other servers: other hypervisors, public cloud VMs (AWS, GCP, ...).</summary>
    public const string Other = "Other";

    /// <summary>Every source type, in display order.</summary>
    public static IReadOnlyList<string> All { get; } = [VMware, HyperV, Physical, Other];

    /// <summary>The canonical name of a source type ("hyper-v" -> HyperV), or null if unknown.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var compact = value.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        return All.FirstOrDefault(t => string.Equals(t, compact, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Health of an appliance as the heartbeat and the health timer see it.</summary>
public static class ApplianceHealth
{
    /// <summary>Registered; no heartbeat received yet.</summary>
    public const string NotConnected = "NotConnected";

    /// <summary>Heartbeats arrive.</summary>
    public const string Healthy = "Healthy";

    /// <summary>Silent for longer than the configured time.</summary>
    public const string Unhealthy = "Unhealthy";
}

/// <summary>An appliance registered to one project, as stored in the project's region.</summary>
public sealed record Appliance(
    string Id,
    string ProjectId,
    string Name,
    string SourceType,
    string Health,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastSeen,
    DateTimeOffset CredentialIssuedAt,
    bool Revoked,
    DateTimeOffset? RevokedAt,
    int? DiscoveredServers,
    string? AgentVersion);

/// <summary>The body of a register-appliance request.</summary>
public sealed record RegisterApplianceRequest(string? SourceType);

/// <summary>The body of a heartbeat (every field optional).</summary>
public sealed record ApplianceHeartbeat(string? AgentVersion, int? DiscoveredServers);

/// <summary>An authenticated appliance: who is calling, for which project, in which region.</summary>
public sealed record ApplianceIdentity(
    string ProjectId, string ProjectName, string Region, string ApplianceId, string ApplianceName, string SourceType);

/// <summary>Appliance naming rules (Azure Migrate: up to 14 letters, digits and hyphens).</summary>
public static class ApplianceNames
{
    /// <summary>Longest appliance name.</summary>
    public const int MaxLength = 14;

    /// <summary>Null when valid, otherwise why not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "An appliance name is required.";
        }

        if (name.Length > MaxLength)
        {
            return $"An appliance name has at most {MaxLength} characters.";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return "An appliance name starts and ends with a letter or digit.";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? null
            : "An appliance name has only letters, digits and hyphens.";
    }
}
