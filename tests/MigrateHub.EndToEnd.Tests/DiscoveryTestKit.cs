using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using MigrateHub.DevHost;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>A DevHost whose upload sweep re-sends immediately when run (timers stay manual).</summary>
public sealed class DiscoveryFixture : DevHostFixture
{
    protected override void Configure(DevHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Regions.Add("westeurope");
        options.Regions.Add("centralus");
        options.Settings["MigrateHub:Discovery:ResendAfter"] = "00:00:00";
    }
}

/// <summary>Helpers shared by the discovery, upload, import and simulator tests.</summary>
internal static class DiscoveryTestKit
{
    public static string Samples => EstateBuilder.FindSamples(Path.GetDirectoryName(ThisFile())) ?? throw new InvalidOperationException("samples/ not found above the test sources.");

    public static string RvToolsSample => Path.Combine(Samples, "inventory", "BillSampleNextRvtoolsFinal.xlsx");

    public static IReadOnlyList<UtilizationTrace> Traces { get; } = UtilizationTrace.Load(Path.Combine(Samples, "utilization", "bitbrains_rnd_2013-7_vm1-5_10min_peak.csv.gz"));

    /// <summary>A provisioned project with a registered appliance and its client.</summary>
    public static async Task<(ApplianceClient Client, string ProjectId, string Region)> ApplianceAsync(DevHostApp host, string prefix, string sourceType = "VMware")
    {
        var project = AppliancesTestApi.NewName(prefix);
        using var hub = new HubClient(host);
        var (projectId, region) = await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe");
        var client = new ApplianceClient(new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromMinutes(2) }, host.Options.FunctionKey, project, AppliancesTestApi.NewApplianceName());
        await client.RegisterAsync(sourceType, CancellationToken.None);
        return (client, projectId, region);
    }

    /// <summary>Every row of the project in a regional table, as "pk/rk: properties" lines (Timestamp and ETag left out), sorted.</summary>
    public static async Task<IReadOnlyList<string>> RowsAsync(DevHostApp host, string region, string table, string projectId)
    {
        var client = new TableServiceClient(host.Stack.Regions[region].ConnectionString).GetTableClient(table);
        var rows = new List<string>();
        try
        {
            await foreach (var e in client.QueryAsync<TableEntity>())
            {
                if (e.PartitionKey != projectId && !e.PartitionKey.StartsWith(projectId + "_", StringComparison.Ordinal))
                {
                    continue;
                }

                var props = e.Keys.Where(k => k is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")).Order(StringComparer.Ordinal)
                    .Select(k => k + "=" + Format(e[k]));
                rows.Add($"{e.PartitionKey}/{e.RowKey}: {string.Join("; ", props)}");
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>A digest of a project's discovery tables (count and content).</summary>
    public static async Task<(int Rows, string Hash)> DigestAsync(DevHostApp host, string region, string projectId, params string[] tables)
    {
        var all = new List<string>();
        foreach (var t in tables)
        {
            all.AddRange((await RowsAsync(host, region, t, projectId)).Select(r => t + "|" + r));
        }

        return (all.Count, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', all)))));
    }

    /// <summary>Waits until the region's upload queue is empty and nothing is in flight.</summary>
    public static async Task DrainedAsync(DevHostApp host, string region, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (host.Stack.ServiceBus[region].ActiveMessageCount(Shared.Configuration.ResourceNames.UploadQueue) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(500);
    }

    /// <summary>Every server of a project through the paged API.</summary>
    public static async Task<List<JsonNode>> AllServersAsync(HubClient hub, string project, string query = "", int pageSize = 50)
    {
        var list = new List<JsonNode>();
        string? token = null;
        do
        {
            var url = $"api/projects/{project}/servers?pageSize={pageSize}{query}" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            using var response = await hub.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await HubClient.JsonAsync(response);
            list.AddRange(body["value"]!.AsArray().Select(n => n!));
            token = body["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);
        return list;
    }

    public static async Task<JsonNode> WaitStatusAsync(ApplianceClient client, string statusUri) =>
        await client.WaitAsync(statusUri, TimeSpan.FromMinutes(2), CancellationToken.None);

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string Format(object? value) => value switch
    {
        byte[] bytes => Convert.ToHexString(SHA256.HashData(bytes)),
        DateTimeOffset d => d.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        null => "null",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public static JsonSerializerOptions Json => DiscoveryJson.Options;
}
