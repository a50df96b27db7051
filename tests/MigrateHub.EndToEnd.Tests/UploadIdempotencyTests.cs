using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;
using static MigrateHub.EndToEnd.Tests.DiscoveryTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Must-show 2: a message delivered twice and an upload sent twice change nothing.</summary>
public sealed class UploadIdempotencyTests(DiscoveryFixture fixture) : IClassFixture<DiscoveryFixture>
{
    private static readonly string[] DataTables = [DiscoveryTables.Servers, DiscoveryTables.Performance, DiscoveryTables.Software, DiscoveryTables.Dependencies];

    [Fact]
    public async Task Same_upload_sent_twice_and_messages_delivered_twice_leave_counts_and_content_unchanged()
    {
        var host = fixture.Host;
        var (appliance, projectId, region) = await ApplianceAsync(host, "idem");
        using var _ = appliance;
        var servers = EstateBuilder.Generate(30, seed: 11);
        await new Simulator(appliance).SendEstateAsync(servers, Traces, DateTimeOffset.UtcNow, perfDays: 2, dependencyDays: 1, runId: "r", progress: null, CancellationToken.None);
        var before = await DigestAsync(host, region, projectId, DataTables);
        var uploadsBefore = await DigestAsync(host, region, projectId, DiscoveryTables.Uploads);
        Assert.Equal(30, (await RowsAsync(host, region, DiscoveryTables.Servers, projectId)).Count);

        // The same upload (same id, same content) again: 202 with the existing status, nothing changes.
        var again = await appliance.UploadAsync("r-inventory", new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = servers }, CancellationToken.None);
        var status = await WaitStatusAsync(appliance, again);
        Assert.Equal(UploadStates.Ingested, status["upload"]!["state"]!.GetValue<string>());
        await DrainedAsync(host, region, TimeSpan.FromSeconds(10));
        Assert.Equal(before, await DigestAsync(host, region, projectId, DataTables));
        Assert.Equal(uploadsBefore, await DigestAsync(host, region, projectId, DiscoveryTables.Uploads));

        // The same upload id with other content is refused.
        var conflict = await Assert.ThrowsAsync<HubCallException>(() => appliance.UploadAsync("r-inventory", new UploadPayload { Kind = UploadKinds.Inventory, Servers = servers.Take(3).ToList() }, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);

        // Each upload's message delivered twice more, as if the consumer had crashed after writing
        // and before recording the upload as ingested: ingestion runs again, twice, and changes nothing.
        var uploadsTable = new TableServiceClient(host.Stack.Regions[region].ConnectionString).GetTableClient(DiscoveryTables.Uploads);
        var records = new List<TableEntity>();
        await foreach (var e in uploadsTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {projectId}")))
        {
            records.Add(e);
        }

        Assert.Equal(5, records.Count); // inventory, 2 performance, software, dependencies
        await using var bus = new ServiceBusClient(host.Stack.ServiceBus[region].ConnectionString);
        await using var sender = bus.CreateSender(ResourceNames.UploadQueue);
        foreach (var record in records)
        {
            record["State"] = UploadStates.Accepted;
            await uploadsTable.UpdateEntityAsync(record, Azure.ETag.All, TableUpdateMode.Replace);
            var body = JsonSerializer.SerializeToUtf8Bytes(new UploadMessage(projectId, region, record.GetString("ApplianceId"), record.GetString("UploadId")), Json);
            await sender.SendMessageAsync(new ServiceBusMessage(body) { MessageId = Guid.NewGuid().ToString() });
            await sender.SendMessageAsync(new ServiceBusMessage(body) { MessageId = Guid.NewGuid().ToString() });
        }

        foreach (var record in records)
        {
            var statusUri = $"{host.BaseUrl}api/projects/{appliance.Project}/appliances/{appliance.Appliance}/uploads/{record.GetString("UploadId")}";
            Assert.Equal(UploadStates.Ingested, (await WaitStatusAsync(appliance, statusUri))["upload"]!["state"]!.GetValue<string>());
        }

        await DrainedAsync(host, region, TimeSpan.FromSeconds(30));
        Assert.Equal(before, await DigestAsync(host, region, projectId, DataTables));
        Assert.Equal(0, host.Stack.ServiceBus[region].DeadLetterMessageCount(ResourceNames.UploadQueue));
    }
}
