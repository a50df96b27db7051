using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using MigrateHub.Shared.Discovery;
using static MigrateHub.EndToEnd.Tests.DiscoveryTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Must-show 5: imports with one broken row each: the report names the line, the other rows are in.</summary>
public sealed class ImportTests(DiscoveryFixture fixture) : IClassFixture<DiscoveryFixture>
{
    [Fact]
    public async Task Csv_import_with_a_broken_row_reports_its_line_and_imports_the_others()
    {
        using var hub = new HubClient(fixture.Host);
        var project = AppliancesTestApi.NewName("imp");
        await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe");
        var file = await File.ReadAllBytesAsync(Path.Combine(Samples, "import", "azure-migrate-import-broken-row.csv"));
        var rows = File.ReadAllLines(Path.Combine(Samples, "import", "azure-migrate-import-broken-row.csv")).Skip(1).Count(l => !string.IsNullOrWhiteSpace(l));

        var report = await ImportAsync(hub, project, file, "csv", "text/csv");
        var rejected = report["rejected"]!.AsArray();
        Assert.Single(rejected);
        Assert.Equal(3, rejected[0]!["rowNumber"]!.GetValue<int>());
        Assert.Contains("Cores", rejected[0]!["reason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(rows - 1, report["servers"]!.GetValue<int>());

        var status = await WaitIngestedAsync(hub, report["status"]!["statusUri"]!.GetValue<string>());
        Assert.Equal(UploadStates.Ingested, status["upload"]!["state"]!.GetValue<string>());
        var servers = await AllServersAsync(hub, project);
        Assert.Equal(rows - 1, servers.Count);
        Assert.All(servers, s => Assert.True(s["server"]!["isImported"]!.GetValue<bool>()));
        Assert.All(servers, s => Assert.Equal("import", s["applianceId"]!.GetValue<string>()));

        // The project export archive carries the imported inventory.
        using (var export = await hub.Http.PostAsync($"api/projects/{project}/export", null))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            using var zip = new System.IO.Compression.ZipArchive(await export.Content.ReadAsStreamAsync());
            using var reader = new StreamReader(zip.GetEntry("inventory/servers.csv")!.Open());
            var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("Server name,Server id,Source", lines[0], StringComparison.Ordinal);
            Assert.Equal(rows - 1, lines.Length - 1);
        }

        // The same file again: same import id, nothing new.
        var again = await ImportAsync(hub, project, file, "csv", "text/csv");
        Assert.Equal(report["importId"]!.GetValue<string>(), again["importId"]!.GetValue<string>());
        Assert.Equal(rows - 1, (await AllServersAsync(hub, project)).Count);
    }

    [Fact]
    public async Task RvTools_import_with_a_broken_row_reports_its_row_and_imports_the_others()
    {
        using var hub = new HubClient(fixture.Host);
        var project = AppliancesTestApi.NewName("imprv");
        await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe");

        // The 3-VM RVTools sample with the second VM's CPU count made unreadable (spreadsheet row 3).
        var source = Path.Combine(Samples, "inventory", "rvtools-small-complete.xlsx");
        var sheets = new Dictionary<string, object>();
        foreach (var sheet in MiniExcel.GetSheetNames(source))
        {
            var data = MiniExcel.Query(source, useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object?>>().Select(r => new Dictionary<string, object?>(r)).ToList();
            if (sheet == "vInfo")
            {
                var cpuColumn = data[1].Keys.First(k => k.Equals("CPUs", StringComparison.OrdinalIgnoreCase));
                data[1][cpuColumn] = "lots";
            }

            sheets[sheet] = data;
        }

        using var broken = new MemoryStream();
        MiniExcel.SaveAs(broken, sheets);
        var report = await ImportAsync(hub, project, broken.ToArray(), "rvtools", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var rejected = report["rejected"]!.AsArray();
        Assert.Single(rejected);
        Assert.Equal(3, rejected[0]!["rowNumber"]!.GetValue<int>());
        Assert.Equal("vInfo", rejected[0]!["source"]!.GetValue<string>());
        Assert.Equal(2, report["servers"]!.GetValue<int>());

        await WaitIngestedAsync(hub, report["status"]!["statusUri"]!.GetValue<string>());
        var servers = await AllServersAsync(hub, project);
        Assert.Equal(2, servers.Count);
        Assert.DoesNotContain(servers, s => s["server"]!["name"]!.GetValue<string>() == rejected[0]!["name"]?.GetValue<string>());
    }

    [Fact]
    public async Task Unreadable_import_is_a_400_and_stores_nothing()
    {
        using var hub = new HubClient(fixture.Host);
        var project = AppliancesTestApi.NewName("impbad");
        await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe");
        using var content = new ByteArrayContent("PK\u0003\u0004 not really a workbook"u8.ToArray());
        using var response = await hub.Http.PostAsync($"api/projects/{project}/imports?format=rvtools", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{project}/uploads")))["value"]!.AsArray());
    }

    private static async Task<JsonNode> ImportAsync(HubClient hub, string project, byte[] file, string format, string contentType)
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await hub.Http.PostAsync($"api/projects/{project}/imports?format={format}", content);
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
        return body;
    }

    private static async Task<JsonNode> WaitIngestedAsync(HubClient hub, string statusUri)
    {
        for (var i = 0; ; i++)
        {
            var body = await HubClient.JsonAsync(await hub.GetAsync(statusUri));
            if (body["upload"]!["state"]!.GetValue<string>() != UploadStates.Accepted || i > 300)
            {
                return body;
            }

            await Task.Delay(200);
        }
    }
}
