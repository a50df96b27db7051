using MigrateHub.Shared.Export;

namespace MigrateHub.Shared.Assessments;

/// <summary>
/// Every computed assessment's reports in the project export:
/// <c>assessments/{group}/{assessment}/report.xlsx</c> and <c>report.csv</c>.
/// </summary>
public sealed class AssessmentExportPart(AssessmentStore store, AssessmentReports reports) : IProjectExportPart
{
    /// <inheritdoc />
    public string Name => "assessments";

    /// <inheritdoc />
    public async Task WriteAsync(ProjectExportContext context, ExportArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(archive);
        var project = context.Project;
        foreach (var a in await store.ListAssessmentsAsync(project.Region, project.Id, null, cancellationToken).ConfigureAwait(false))
        {
            if (a.ResultRunId is null)
            {
                continue;
            }

            foreach (var format in ReportFormats.All)
            {
                await using var report = await reports.OpenAsync(project.Region, project.Id, a, format, cancellationToken).ConfigureAwait(false);
                if (report is null)
                {
                    continue;
                }

                await using var file = archive.AddFile(
                    $"assessments/{a.Group}/{a.Name}/report.{format}",
                    $"Assessment '{a.Name}' of group '{a.Group}' ({a.Summary?.Machines ?? 0} machines, computed {ExportFormat.Time(a.ComputedAt)} UTC): "
                        + (format == ReportFormats.Xlsx ? "summary sheet, one row per machine, one row per disk." : "one row per machine."),
                    format == ReportFormats.Csv ? a.Summary?.Machines : null);
                await report.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
