using MigrateHub.Functions.Http;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Projects;

/// <summary>A project as the API shows it, in the shape of an Azure resource.</summary>
public sealed record ProjectView(string Id, string Name, string Type, string Location, ProjectProperties Properties)
{
    /// <summary>Resource type of projects.</summary>
    public const string ResourceType = "MigrateHub/projects";

    /// <summary>From the stored project.</summary>
    public static ProjectView From(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return new ProjectView(
            "/projects/" + project.Name,
            project.Name,
            ResourceType,
            project.Region,
            new ProjectProperties(project.Id, project.Geography, project.Region, ProjectService.StampOf(project.Region),
                project.ProvisioningState, project.CreatedAt, project.ProvisionedAt));
    }
}

/// <summary>Properties of a project.</summary>
public sealed record ProjectProperties(
    string ProjectId,
    string Geography,
    string Region,
    string Stamp,
    string ProvisioningState,
    DateTimeOffset CreatedTimestamp,
    DateTimeOffset? ProvisionedTimestamp);

/// <summary>A project in a list: its routing facts (details need a read in its region).</summary>
public sealed record ProjectListItem(string Id, string Name, string Type, string Location, string Geography, string ProjectId)
{
    /// <summary>From a directory entry.</summary>
    public static ProjectListItem From(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new("/projects/" + entry.Name, entry.Name, ProjectView.ResourceType, entry.Region, entry.Geography, entry.ProjectId);
    }
}

/// <summary>The answer to a create call: the project plus its provisioning orchestration's links.</summary>
public sealed record CreatedProjectView(ProjectView Project, DurableHttpLinks Provisioning);

/// <summary>A page of items.</summary>
public sealed record Page<T>(IReadOnlyList<T> Value, string? NextLink);
