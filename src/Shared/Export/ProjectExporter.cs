using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Export;

/// <summary>A finished export: where it is kept and the archive itself (positioned at its start; the caller disposes it).</summary>
public sealed record ProjectExport(string ExportId, string BlobName, IReadOnlyList<ExportFile> Files, Stream Content);

/// <summary>
/// Builds a project's export for offline backup: every registered <see cref="IProjectExportPart"/>
/// writes its files into one zip, a README.txt lists them, and the zip is kept in the region's
/// <c>exports</c> container as <c>{projectId}/{exportId}.zip</c> (so it stays in the region and goes with
/// the project on delete). The archive is built in a temporary file, not in memory.
/// </summary>
public sealed class ProjectExporter(IEnumerable<IProjectExportPart> parts, HubStorage storage, TimeProvider clock, ILogger<ProjectExporter> logger)
{
    /// <summary>The parts that run, in order: the last registration of each name, at the position of its first.</summary>
    public IReadOnlyList<IProjectExportPart> Parts { get; } = Resolve(parts);

    /// <summary>Builds, stores and returns a project's export.</summary>
    public async Task<ProjectExport> ExportAsync(Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var now = clock.GetUtcNow();
        var exportId = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var context = new ProjectExportContext(project, exportId, now);
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), $"migratehub-export-{Guid.NewGuid():N}.zip"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            IReadOnlyList<ExportFile> files;
            using (var archive = new ExportArchive(file))
            {
                foreach (var part in Parts)
                {
                    await part.WriteAsync(context, archive, cancellationToken).ConfigureAwait(false);
                }

                files = [.. archive.Files];
                await archive.AddTextAsync("README.txt", "This file.", Readme(context, files), cancellationToken).ConfigureAwait(false);
                files = [.. archive.Files];
            }

            var blobName = $"{project.Id}/{exportId}.zip";
            var container = await storage.Region(project.Region).ContainerAsync(ResourceNames.ExportContainer, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            await container.GetBlobClient(blobName).UploadAsync(
                file,
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" } },
                cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            logger.LogInformation("Exported project {ProjectId} as {ExportId} ({Files} files)", project.Id, exportId, files.Count);
            return new ProjectExport(exportId, blobName, files, file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens an earlier export of the project; null if there is none with that id.</summary>
    public async Task<Stream?> OpenAsync(Project project, string exportId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (string.IsNullOrEmpty(exportId) || !exportId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return null;
        }

        var container = await storage.Region(project.Region).ContainerAsync(ResourceNames.ExportContainer, cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient($"{project.Id}/{exportId}.zip");
        try
        {
            return await blob.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static List<IProjectExportPart> Resolve(IEnumerable<IProjectExportPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var order = new List<string>();
        var byName = new Dictionary<string, IProjectExportPart>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            if (!byName.ContainsKey(part.Name))
            {
                order.Add(part.Name);
            }

            byName[part.Name] = part;
        }

        return order.Select(n => byName[n]).ToList();
    }

    private static string Readme(ProjectExportContext context, IReadOnlyList<ExportFile> files)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"MigrateHub export of project '{context.Project.Name}'");
        text.AppendLine(CultureInfo.InvariantCulture, $"Project id: {context.Project.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Geography: {context.Project.Geography}; region: {context.Project.Region}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Export id: {context.ExportId}; exported at {context.ExportedAt:yyyy-MM-dd HH:mm:ss} UTC");
        text.AppendLine();
        text.AppendLine("CSV files are UTF-8 with a header row; open them in a spreadsheet program or any text editor.");
        text.AppendLine("This archive holds what the project had at export time. Files:");
        foreach (var file in files)
        {
            var rows = file.Rows is { } n ? $" ({n} rows)" : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"- {file.Path}{rows}: {file.Description}");
        }

        text.AppendLine("- README.txt: this file.");
        return text.ToString();
    }
}
