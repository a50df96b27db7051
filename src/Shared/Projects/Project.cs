namespace MigrateHub.Shared.Projects;

/// <summary>Provisioning states of a project (as Azure resources report them).</summary>
public static class ProvisioningStates
{
    /// <summary>Created; its regional resources are being prepared.</summary>
    public const string Provisioning = "Provisioning";

    /// <summary>Ready for use.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>Preparing the regional resources failed.</summary>
    public const string Failed = "Failed";

    /// <summary>Being deleted.</summary>
    public const string Deleting = "Deleting";
}

/// <summary>A project as stored in its region.</summary>
public sealed record Project(
    string Id,
    string Name,
    string Geography,
    string Region,
    string ProvisioningState,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ProvisionedAt);

/// <summary>
/// The global directory entry of a project: routing facts only (id, name, geography, region,
/// stamp). Nothing else about a project may leave its region.
/// </summary>
public sealed record DirectoryEntry(string ProjectId, string Name, string Geography, string Region, string Stamp);

/// <summary>The body of a create-project request.</summary>
public sealed record CreateProjectRequest(string? Geography, string? PreferredRegion);

/// <summary>Input of the provisioning orchestration.</summary>
public sealed record ProvisionProjectRequest(string ProjectId, string Region);

/// <summary>Output of the provisioning orchestration.</summary>
public sealed record ProvisionProjectResult(string ProjectId, string Region, string ProvisioningState);

/// <summary>Project naming rules (those of Azure Migrate projects).</summary>
public static class ProjectNames
{
    /// <summary>Null when valid, otherwise why not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "A project name is required.";
        }

        if (name.Length is < 3 or > 63)
        {
            return "A project name has 3 to 63 characters.";
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return "A project name starts and ends with a letter or digit.";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? null
            : "A project name has only letters, digits and hyphens.";
    }
}
