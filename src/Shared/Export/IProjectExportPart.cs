using MigrateHub.Shared.Projects;

namespace MigrateHub.Shared.Export;

/// <summary>What an export part gets: the project (read from its region) and the export's time.</summary>
public sealed record ProjectExportContext(Project Project, string ExportId, DateTimeOffset ExportedAt);

/// <summary>
/// One contributor to a project's export archive (project facts, appliances, inventory, software,
/// dependencies, assessment reports, ...). Register implementations as <c>IProjectExportPart</c>
/// singletons; parts run in registration order, and a later part with the same <see cref="Name"/>
/// replaces an earlier one (so a feature can replace a placeholder part with the real content).
/// A part reads only the project's own region.
/// </summary>
public interface IProjectExportPart
{
    /// <summary>Unique name of the part (for example <c>inventory</c>).</summary>
    string Name { get; }

    /// <summary>Writes the part's files into the archive.</summary>
    Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken);
}
