using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Import;

/// <summary>A row that could not be imported; the other rows are kept.</summary>
/// <param name="Source">"csv" or the sheet name (vInfo, vDisk, ...).</param>
/// <param name="RowNumber">1-based line (CSV, header = line 1) or spreadsheet row number.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Name">Server name on the row, if it had one.</param>
public sealed record RejectedRow(string Source, int RowNumber, string Reason, string? Name);

/// <summary>A row deliberately not imported (not an error), such as an RVTools VM template.</summary>
/// <param name="Source">Sheet name.</param>
/// <param name="RowNumber">Spreadsheet row number.</param>
/// <param name="Name">Name on the row.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedRow(string Source, int RowNumber, string Name, string Reason);

/// <summary>Outcome of an import: the servers read plus the rows rejected or skipped.</summary>
/// <param name="Servers">Servers read, in file order.</param>
/// <param name="Rejected">Rows that were not valid.</param>
/// <param name="Skipped">Rows intentionally not imported.</param>
public sealed record ImportResult(IReadOnlyList<DiscoveredServer> Servers, IReadOnlyList<RejectedRow> Rejected, IReadOnlyList<SkippedRow> Skipped);

/// <summary>The file is not a readable import file at all (wrong format, no header, missing mandatory columns).</summary>
public sealed class ImportFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImportFormatException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public ImportFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the cause.</summary>
    public ImportFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
