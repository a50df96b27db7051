using System.IO.Compression;
using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using static MigrateHub.EndToEnd.Tests.AppliancesTestApi;

namespace MigrateHub.EndToEnd.Tests;

[Collection(ProjectRulesCollection.Name)]
public sealed class ExportEndToEndTests(DevHostFixture fixture)
{
    [Fact]
    public async Task The_export_is_a_zip_of_csv_files_whose_content_matches_the_api_and_is_kept_in_the_region()
    {
        using var client = new HubClient(fixture.Host);
        var project = NewName("export");
        var (projectId, region) = await CreateProjectAsync(client, project, "United Kingdom");
        var vmware = NewApplianceName();
        var physical = NewApplianceName();
        var (_, vmwareKey) = await RegisterAsync(client, project, vmware, "VMware");
        await RegisterAsync(client, project, physical, "Physical");
        Assert.Equal(HttpStatusCode.OK, (await HeartbeatAsync(client, project, vmware, vmwareKey, new { discoveredServers = 7, agentVersion = "1.2.3" })).StatusCode);

        using var response = await client.Http.PostAsync($"api/projects/{project}/export", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["README.txt", "appliances.csv", "dependencies/dependencies.csv", "inventory/servers.csv", "project.csv", "project.json", "software/software.csv"],
            names);

        // project.csv matches GET project.
        var projectApi = await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}"));
        var projectCsv = Csv(zip, "project.csv");
        Assert.Equal("Project id", projectCsv[0][0]);
        Assert.Equal([projectId, project, "United Kingdom", region, projectApi["properties"]!["provisioningState"]!.GetValue<string>()], projectCsv[1][..5]);

        // appliances.csv matches the appliance list.
        var list = (await HubClient.JsonAsync(await client.GetAsync($"api/projects/{project}/appliances")))["value"]!.AsArray();
        var appliancesCsv = Csv(zip, "appliances.csv");
        Assert.Equal(list.Count + 1, appliancesCsv.Count);
        foreach (var appliance in list)
        {
            var row = appliancesCsv.Single(r => r[0] == appliance!["name"]!.GetValue<string>());
            var properties = appliance!["properties"]!;
            Assert.Equal(properties["applianceId"]!.GetValue<string>(), row[1]);
            Assert.Equal(properties["sourceType"]!.GetValue<string>(), row[2]);
            Assert.Equal(properties["health"]!.GetValue<string>(), row[3]);
            Assert.Equal(properties["maxServers"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), row[8]);
        }

        Assert.Equal("7", appliancesCsv.Single(r => r[0] == vmware)[9]);
        Assert.DoesNotContain(appliancesCsv.SelectMany(r => r), v => v.Contains(vmwareKey.Split('.')[3], StringComparison.Ordinal));

        // The dependency CSV has Azure Migrate's columns; the README lists every file.
        Assert.Equal(
            ["Timeslot", "Source server name", "Source application", "Source process", "Destination server name", "Destination IP", "Destination application", "Destination process", "Destination port"],
            Csv(zip, "dependencies/dependencies.csv").Single());
        var readme = Text(zip, "README.txt");
        Assert.All(names, n => Assert.Contains(n, readme, StringComparison.Ordinal));

        // Kept in the project's region only, and downloadable again.
        var exportId = response.Headers.GetValues("x-migratehub-export-id").Single();
        Assert.Equal($"/api/projects/{project}/exports/{exportId}", response.Headers.Location!.ToString());
        foreach (var (name, storage) in fixture.Host.Stack.Regions)
        {
            var exists = await new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient("exports").GetBlobClient($"{projectId}/{exportId}.zip").ExistsAsync();
            Assert.Equal(name == region, exists.Value);
        }

        using var again = await client.GetAsync($"api/projects/{project}/exports/{exportId}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(bytes, await again.Content.ReadAsByteArrayAsync());
        using var unknown = await client.GetAsync($"api/projects/{project}/exports/19990101T000000Z-00000000");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Exporting_an_unknown_project_is_404_and_needs_the_user_key()
    {
        using var client = new HubClient(fixture.Host);
        using var missing = await client.Http.PostAsync("api/projects/no-such-project-x/export", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        using var noKey = await anonymous.PostAsync("api/projects/no-such-project-x/export", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }

    private static string Text(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>A small CSV reader (quoted fields, doubled quotes) for the test's own check of the files.</summary>
    private static List<string[]> Csv(ZipArchive zip, string name)
    {
        var text = Text(zip, name);
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }
}
