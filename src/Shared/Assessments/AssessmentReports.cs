using Azure.Storage.Blobs.Models;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessment.Reports;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Shared.Assessments;

/// <summary>Report formats.</summary>
public static class ReportFormats
{
    /// <summary>Excel workbook: Summary, Assessed machines, Assessed disks.</summary>
    public const string Xlsx = "xlsx";

    /// <summary>CSV: one row per machine.</summary>
    public const string Csv = "csv";

    /// <summary>Both formats.</summary>
    public static IReadOnlyList<string> All { get; } = [Xlsx, Csv];

    /// <summary>Media type of a format.</summary>
    public static string ContentType(string format) => format == Xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8";
}

/// <summary>
/// Assessment reports, written with <see cref="AssessmentReportWriter"/> from the stored results of the
/// computation shown. A report is generated on first request and kept as a blob of that computation
/// ("{projectId}/assessments/{group}/{assessment}/{runId}/report.{format}" in the exports container);
/// a recalculation makes a new computation, whose completion deletes the older computations' reports.
/// </summary>
public sealed class AssessmentReports(HubStorage storage, AssessmentStore store)
{
    /// <summary>The stored assessment as the report writer's input.</summary>
    public async Task<AssessmentResult?> LoadResultAsync(string region, string projectId, AssessmentRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ResultRunId is null)
        {
            return null;
        }

        var machines = new List<AssessedMachine>();
        await foreach (var m in store.ReadResultsAsync(region, AssessmentKeys.RunPartition(projectId, record.Group, record.Name, record.ResultRunId), cancellationToken).ConfigureAwait(false))
        {
            machines.Add(m);
        }

        var settings = record.ResultSettings ?? record.Settings;
        var summary = AssessmentSummary.Of(machines, settings.Currency);
        return new AssessmentResult
        {
            Settings = settings,
            Machines = machines,
            ReadinessCounts = summary.Readiness,
            TotalMonthlyComputeCost = summary.MonthlyComputeCost,
            TotalMonthlyStorageCost = summary.MonthlyStorageCost,
            MachinesWithUnknownCost = summary.MachinesWithUnknownCost,
            CreatedAt = record.ComputedAt ?? record.StartedAt,
        };
    }

    /// <summary>Opens the report of the computation shown (generating and keeping it on first use), or null when there are no results yet.</summary>
    public async Task<Stream?> OpenAsync(string region, string projectId, AssessmentRecord record, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ResultRunId is null)
        {
            return null;
        }

        var container = await storage.Region(region).ContainerAsync(ResourceNames.ExportContainer, cancellationToken).ConfigureAwait(false);
        var blob = container.GetBlobClient(AssessmentKeys.ReportBlob(projectId, record.Group, record.Name, record.ResultRunId, format));
        try
        {
            return await blob.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        var result = await LoadResultAsync(region, projectId, record, cancellationToken).ConfigureAwait(false);
        var content = new MemoryStream();
        if (format == ReportFormats.Xlsx)
        {
            AssessmentReportWriter.WriteXlsx(result!, content);
        }
        else
        {
            AssessmentReportWriter.WriteCsv(result!, content);
        }

        content.Position = 0;
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = ReportFormats.ContentType(format) } }, cancellationToken).ConfigureAwait(false);
        content.Position = 0;
        return content;
    }
}
