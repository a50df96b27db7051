using Azure.Data.Tables;
using MigrateHub.LocalAzure;

namespace MigrateHub.EndToEnd.Tests;

public sealed class AzuriteSettingsTests
{
    [Fact]
    public async Task Large_run_settings_keep_data_in_memory_and_nothing_on_disk()
    {
        var folder = Directory.CreateTempSubdirectory("azurite-large-");
        try
        {
            await using var storage = await AzuriteProcess.StartAsync("large", folder.FullName, AzuriteSettings.ForLargeRuns);
            var table = new TableServiceClient(storage.ConnectionString).GetTableClient("Probe");
            await table.CreateIfNotExistsAsync();
            await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Data"] = new byte[60_000] });
            Assert.Equal(60_000, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetBinary("Data").Length);

            await storage.StopAsync();
            Assert.Empty(folder.EnumerateFiles("*.json", SearchOption.AllDirectories)); // no Loki dump
            await storage.StartAsync();
            Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue); // in memory: gone after a stop
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Default_settings_keep_data_through_a_stop_and_start()
    {
        if (new[] { AzuriteSettings.LargeVariable, AzuriteSettings.InMemoryVariable, AzuriteSettings.MaxOldSpaceVariable }.All(v => Environment.GetEnvironmentVariable(v) is null))
        {
            Assert.Equal(AzuriteSettings.Default, new LocalAzureOptions().Azurite); // tests run on disk unless asked otherwise
        }

        var folder = Directory.CreateTempSubdirectory("azurite-default-");
        try
        {
            await using var storage = await AzuriteProcess.StartAsync("default", folder.FullName);
            var table = new TableServiceClient(storage.ConnectionString).GetTableClient("Probe");
            await table.CreateIfNotExistsAsync();
            await table.UpsertEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
            await storage.StopAsync();
            await storage.StartAsync();
            Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "r")).Value.GetInt32("N"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
