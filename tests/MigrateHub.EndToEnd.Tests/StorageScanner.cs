using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MigrateHub.LocalAzure;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Reads every table entity and blob of a storage account, for residency checks.</summary>
internal static class StorageScanner
{
    /// <summary>Where a text occurs in one account: "table/pk/rk" or "container/blob" locations.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(AzuriteProcess storage, string text)
    {
        var hits = new List<string>();
        var tables = new TableServiceClient(storage.ConnectionString);
        await foreach (var table in tables.QueryAsync())
        {
            var client = tables.GetTableClient(table.Name);
            await foreach (var entity in client.QueryAsync<TableEntity>())
            {
                if (entity.PartitionKey.Contains(text, StringComparison.Ordinal) || entity.RowKey.Contains(text, StringComparison.Ordinal)
                    || ((IDictionary<string, object>)entity).Values.OfType<string>().Any(v => v.Contains(text, StringComparison.Ordinal)))
                {
                    hits.Add($"{table.Name}/{entity.PartitionKey}/{entity.RowKey}");
                }
            }
        }

        var blobs = new BlobServiceClient(storage.ConnectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                if (blob.Name.Contains(text, StringComparison.Ordinal) || content.Contains(text, StringComparison.Ordinal))
                {
                    hits.Add($"{container.Name}/{blob.Name}");
                }
            }
        }

        return hits;
    }

    /// <summary>Every entity of a table, as property dictionaries.</summary>
    public static async Task<IReadOnlyList<TableEntity>> EntitiesAsync(AzuriteProcess storage, string table)
    {
        var client = new TableServiceClient(storage.ConnectionString).GetTableClient(table);
        var result = new List<TableEntity>();
        await foreach (var entity in client.QueryAsync<TableEntity>())
        {
            result.Add(entity);
        }

        return result;
    }
}
