using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using MigrateHub.Shared.Configuration;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;
using static MigrateHub.EndToEnd.Tests.DiscoveryTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Must-show 3 and 4: bad input is refused with problem details and nothing stored; poison is recorded; a lost message is re-sent.</summary>
public sealed class UploadBadInputTests(DiscoveryFixture fixture) : IClassFixture<DiscoveryFixture>
{
    private const string Server = """{"id":"s1","name":"web01","cores":2,"memoryMb":4096,"disks":[{"id":"d0","sizeGb":64}],"networkAdapters":[]}""";

    [Fact]
    public async Task Bad_uploads_get_4xx_problem_details_naming_the_field_and_nothing_is_stored()
    {
        var host = fixture.Host;
        var (appliance, projectId, region) = await ApplianceAsync(host, "bad");
        using var _ = appliance;
        var (other, _, _) = await ApplianceAsync(host, "bad2");
        using var __ = other;

        await Expect(host, appliance, Gzip("{ \"kind\": \"inventory\", \"servers\": [ {\"id\": "), HttpStatusCode.BadRequest, field: null);
        await Expect(host, appliance, Gzip("""{"kind":"inventory","servers":[{"id":"s1","name":"a","cores":"four","disks":[],"networkAdapters":[]}]}"""), HttpStatusCode.BadRequest, "servers[0].cores");
        await Expect(host, appliance, Gzip("""{"kind":"inventory","servers":[{"name":"a","cores":2,"disks":[],"networkAdapters":[]}]}"""), HttpStatusCode.BadRequest, "servers[0].id");
        await Expect(host, appliance, Gzip("""{"kind":"inventory","servers":[{"id":"","name":"a","cores":2,"disks":[],"networkAdapters":[]}]}"""), HttpStatusCode.BadRequest, "servers[0].id");
        await Expect(host, appliance, Gzip("""{"kind":"inventory","servers":[{"id":"s1","name":"a","cores":2,"disks":[{"id":"d0","sizeGb":-5}],"networkAdapters":[]}]}"""), HttpStatusCode.BadRequest, "servers[0].disks[0].sizeGb");
        await Expect(host, appliance, Gzip("""{"kind":"performance","performance":[{"serverId":"s1","points":[{"timestamp":"2026-11-01T00:10:00Z","cpuPercent":-1,"memoryPercent":5,"disks":[],"networkInMBps":0,"networkOutMBps":0}]}]}"""), HttpStatusCode.BadRequest, "performance[0].points[0].cpuPercent");
        await Expect(host, appliance, Gzip("""{"kind":"telemetry","servers":[]}"""), HttpStatusCode.BadRequest, "kind");
        await Expect(host, appliance, Encoding.UTF8.GetBytes("{\"kind\":\"inventory\",\"servers\":[" + Server + "]}"), HttpStatusCode.BadRequest, "Content-Encoding", forceGzipHeader: true);
        // Oversized: a body above the limit (refused on its Content-Length, before it is sent: Expect 100-continue),
        // and a small gzip body that decompresses beyond the uncompressed limit.
        var huge = new byte[MigrateHub.Functions.Discovery.UploadBody.MaxBodyBytes + 1024];
        await Expect(host, appliance, huge, HttpStatusCode.RequestEntityTooLarge, field: null, forceGzipHeader: true);
        await Expect(host, appliance, GzipZeros(MigrateHub.Functions.Discovery.UploadBody.MaxJsonBytes + 1024), HttpStatusCode.RequestEntityTooLarge, field: null);

        // Another project's appliance, and an unknown credential.
        var valid = Gzip("{\"kind\":\"inventory\",\"servers\":[" + Server + "]}");
        using (var foreign = await Send(host, appliance.Project, appliance.Appliance, "u-foreign", valid, other.Credential))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
            Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        }

        using (var unknown = await Send(host, appliance.Project, appliance.Appliance, "u-unknown", valid, "mh1.notareal.credential"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }

        using (var none = await Send(host, appliance.Project, appliance.Appliance, "u-none", valid, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        // Nothing stored: no upload record, no server, no raw payload.
        foreach (var table in new[] { DiscoveryTables.Uploads, DiscoveryTables.Servers, DiscoveryTables.Performance })
        {
            Assert.Empty(await RowsAsync(host, region, table, projectId));
        }

        var container = new BlobServiceClient(host.Stack.Regions[region].ConnectionString).GetBlobContainerClient(ResourceNames.UploadContainer);
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, projectId + "/", CancellationToken.None))
            {
                Assert.Fail($"blob {blob.Name} stored for a refused upload");
            }
        }
    }

    [Fact]
    public async Task Poison_message_and_poison_upload_are_recorded_with_their_reason()
    {
        var host = fixture.Host;
        var (appliance, projectId, region) = await ApplianceAsync(host, "poison");
        using var _ = appliance;
        var bus = host.Stack.ServiceBus[region];

        // A message that is not an upload notification: dead-lettered with the reason.
        var deadBefore = bus.DeadLetterMessageCount(ResourceNames.UploadQueue);
        await using (var client = new ServiceBusClient(bus.ConnectionString))
        {
            await using var sender = client.CreateSender(ResourceNames.UploadQueue);
            await sender.SendMessageAsync(new ServiceBusMessage("not json at all") { MessageId = Guid.NewGuid().ToString() });
            await using var dlq = client.CreateReceiver(ResourceNames.UploadQueue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });
            var dead = await dlq.ReceiveMessageAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(dead);
            Assert.Equal("MalformedMessage", dead.DeadLetterReason);
            Assert.Contains("not an upload notification", dead.DeadLetterErrorDescription, StringComparison.Ordinal);
            await dlq.CompleteMessageAsync(dead);
        }

        Assert.True(bus.DeadLetterMessageCount(ResourceNames.UploadQueue) <= deadBefore + 1);

        // An accepted upload whose stored payload turns out unreadable: Failed, with the reason, on its status URL.
        bus.DropNextMessages(ResourceNames.UploadQueue, 1);
        var statusUri = await appliance.UploadAsync("p1", new UploadPayload { Kind = UploadKinds.Inventory, Servers = EstateBuilder.Generate(3) }, CancellationToken.None);
        var container = new BlobServiceClient(host.Stack.Regions[region].ConnectionString).GetBlobContainerClient(ResourceNames.UploadContainer);
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, projectId + "/", CancellationToken.None))
        {
            await container.GetBlobClient(blob.Name).UploadAsync(BinaryData.FromString("garbage, not gzip"), overwrite: true);
        }

        await RunTimerAsync(host, "UploadSweep");
        var status = await WaitStatusAsync(appliance, statusUri);
        Assert.Equal(UploadStates.Failed, status["upload"]!["state"]!.GetValue<string>());
        Assert.Contains("not valid gzip", status["upload"]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await RowsAsync(host, region, DiscoveryTables.Servers, projectId));
    }

    [Fact]
    public async Task Message_lost_by_the_broker_after_acceptance_is_resent_by_the_sweep_and_ingested()
    {
        var host = fixture.Host;
        var (appliance, projectId, region) = await ApplianceAsync(host, "loss");
        using var _ = appliance;
        host.Stack.ServiceBus[region].DropNextMessages(ResourceNames.UploadQueue, 1);
        var servers = EstateBuilder.Generate(12, seed: 5);
        var statusUri = await appliance.UploadAsync("lost-1", new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = servers }, CancellationToken.None);

        await Task.Delay(1500);
        var pending = await appliance.GetStatusAsync(statusUri, CancellationToken.None);
        Assert.Equal(UploadStates.Accepted, pending["upload"]!["state"]!.GetValue<string>());
        Assert.Equal(0, host.Stack.ServiceBus[region].ActiveMessageCount(ResourceNames.UploadQueue));
        Assert.Empty(await RowsAsync(host, region, DiscoveryTables.Servers, projectId));

        await RunTimerAsync(host, "UploadSweep");
        var status = await WaitStatusAsync(appliance, statusUri);
        Assert.Equal(UploadStates.Ingested, status["upload"]!["state"]!.GetValue<string>());
        Assert.Equal(2, status["upload"]!["sendCount"]!.GetValue<int>());
        using var hub = new HubClient(host);
        Assert.Equal(servers.Select(x => x.Id).Order(), (await AllServersAsync(hub, appliance.Project)).Select(n => n["server"]!["id"]!.GetValue<string>()).Order());
    }

    private static async Task RunTimerAsync(MigrateHub.DevHost.DevHostApp host, string name)
    {
        using var hub = new HubClient(host);
        using var response = await hub.Http.PostAsync($"admin/functions/{name}", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task Expect(MigrateHub.DevHost.DevHostApp host, ApplianceClient appliance, byte[] body, HttpStatusCode expected, string? field, bool forceGzipHeader = false)
    {
        var gzip = forceGzipHeader || (body.Length > 1 && body[0] == 0x1f && body[1] == 0x8b);
        using var response = await Send(host, appliance.Project, appliance.Appliance, "u-" + Guid.NewGuid().ToString("N")[..8], body, appliance.Credential, gzip);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        if (field is not null)
        {
            Assert.True(problem["errors"]?[field] is not null, $"expected errors['{field}'] in {problem.ToJsonString()}");
        }
    }

    private static async Task<HttpResponseMessage> Send(MigrateHub.DevHost.DevHostApp host, string project, string appliance, string uploadId, byte[] body, string? credential, bool gzip = true)
    {
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/projects/{project}/appliances/{appliance}/uploads/{uploadId}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        if (credential is not null)
        {
            request.Headers.Add("x-appliance-key", credential);
        }

        request.Headers.ExpectContinue = true;

        return await http.SendAsync(request);
    }

    private static byte[] GzipZeros(int length)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var written = 0; written < length; written += zeros.Length)
            {
                gzip.Write(zeros, 0, Math.Min(zeros.Length, length - written));
            }
        }

        return output.ToArray();
    }

    private static byte[] Gzip(string json)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return output.ToArray();
    }
}
