using System.IO.Compression;
using System.Text;
using CsvHelper;

namespace MigrateHub.Shared.Export;

/// <summary>A file of an export archive and what it holds (listed in the archive's README.txt).</summary>
public sealed record ExportFile(string Path, string Description, int? Rows);

/// <summary>
/// The zip being built for an export: CSV files (UTF-8 with BOM so spreadsheet programs read the
/// accents, invariant culture, a header row) and text files, each listed with a description.
/// </summary>
public sealed class ExportArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly List<ExportFile> _files = [];

    /// <summary>Writes a new archive into <paramref name="output"/> (left open).</summary>
    public ExportArchive(Stream output)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
    }

    /// <summary>The files added so far.</summary>
    public IReadOnlyList<ExportFile> Files => _files;

    /// <summary>Adds a CSV file with a header and one row per item.</summary>
    public async Task AddCsvAsync(string path, string description, IReadOnlyList<string> header, IAsyncEnumerable<IReadOnlyList<string?>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var count = 0;
        await using (var stream = Open(path))
        {
            // A byte order mark, so that spreadsheet programs read the file as UTF-8.
            await stream.WriteAsync(Encoding.UTF8.Preamble.ToArray(), cancellationToken).ConfigureAwait(false);
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\r\n" }, leaveOpen: true);
            csv.WriteHeader([.. header]);
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                csv.WriteRecord(row.Select(v => v ?? string.Empty).ToArray());
                count++;
            }

            csv.Flush();
        }

        _files.Add(new ExportFile(path, description, count));
    }

    /// <summary>Adds a CSV file from rows already in memory.</summary>
    public Task AddCsvAsync(string path, string description, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, CancellationToken cancellationToken) =>
        AddCsvAsync(path, description, header, rows.ToAsyncEnumerable(), cancellationToken);

    /// <summary>Adds a text file (UTF-8).</summary>
    public async Task AddTextAsync(string path, string description, string text, CancellationToken cancellationToken)
    {
        await using (var stream = Open(path))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }

        _files.Add(new ExportFile(path, description, null));
    }

    /// <summary>Adds a file written by the caller (for example an XLSX report); dispose the stream before adding another file.</summary>
    public Stream AddFile(string path, string description, int? rows = null)
    {
        var stream = Open(path);
        _files.Add(new ExportFile(path, description, rows));
        return stream;
    }

    /// <summary>Finishes the zip (its central directory is written to the output).</summary>
    public void Dispose() => _zip.Dispose();

    private Stream Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.StartsWith('/') || path.Contains("..", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not a relative archive path.", nameof(path));
        }

        if (_files.Any(f => string.Equals(f.Path, path, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"The export already has a file '{path}'.");
        }

        return _zip.CreateEntry(path, CompressionLevel.Optimal).Open();
    }
}
