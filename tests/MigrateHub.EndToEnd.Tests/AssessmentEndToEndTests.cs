using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessment.Reports;
using MigrateHub.Shared.Inventory;
using MiniExcelLibs;
using static MigrateHub.EndToEnd.Tests.AssessmentTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>Must-show 3: discovered servers -> group -> assessment orchestration -> summary, machines and reports that match the API.</summary>
public sealed class AssessmentEndToEndTests(AssessmentFixture fixture) : IClassFixture<AssessmentFixture>
{
    [Fact]
    public async Task Discovered_servers_grouped_assessed_by_the_orchestration_give_a_summary_machines_and_reports_that_match()
    {
        using var hub = new HubClient(fixture.Host);
        var servers = Estate(24);
        var end = DateTimeOffset.UtcNow.AddMinutes(-20);
        // Every server but the last has 3 days of 10-minute points (so a week's window is 3/7 full: 3 stars).
        var perf = servers.Take(23).Select((s, i) => (s.Id, Points: Performance(s, end, 3, i))).ToDictionary(x => x.Id, x => x.Points);
        var (project, projectId, _) = await DiscoveredProjectAsync(hub, "asm", servers, perf);
        var basePath = $"api/projects/{project}/groups";

        // A list group: 20 discovered servers and one id nobody discovered.
        var members = servers.Skip(2).Take(20).ToList();
        using (var put = await hub.Http.SendAsync(Put(hub, $"{basePath}/web", new { machines = members.Select(s => s.Id).Append("no-such-server").ToList() })))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Settings are validated field by field before anything is stored.
        foreach (var (json, field) in new[]
        {
            ("""{ "targetRegion": "westeurope", "percentile": 42 }""", "percentile"),
            ("""{ "targetRegion": "nowhere" }""", "targetRegion"),
            ("""{ "percentile": 95 }""", "targetRegion"),
            ("""{ "targetRegion": "westeurope", "sizing": "Magic" }""", "sizing"),
            ("""{ "targetRegion": "westeurope", "comfortFactor": 9 }""", "comfortFactor"),
            ("""{ "targetRegion": "westeurope", "currency": "XXX" }""", "currency"),
        })
        {
            using var bad = await hub.Http.SendAsync(PutJson(hub, $"{basePath}/web/assessments/a1", json));
            var problem = await HubClient.JsonAsync(bad);
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
            Assert.True(problem["errors"]![field] is not null, $"{json} -> {problem.ToJsonString()}");
        }

        using (var none = await hub.GetAsync($"{basePath}/web/assessments/a1"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        foreach (var query in new[] { "batchSize=5", "batchesInFlight=0", "batchesInFlight=101" })
        {
            using var bad = await hub.Http.SendAsync(PutJson(hub, $"{basePath}/web/assessments/a1?{query}", """{ "targetRegion": "westeurope" }"""));
            var problem = await HubClient.JsonAsync(bad);
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
            Assert.True(problem["errors"]![query.Split('=')[0]] is not null, $"{query} -> {problem.ToJsonString()}");
        }

        // Compute: 202 + links, orchestration fans out in batches of 10 (2 batches for the 20 discovered members), one at a time.
        var (accepted, status) = await ComputeAsync(hub, PutJson(hub, $"{basePath}/web/assessments/a1?batchSize=10&batchesInFlight=1", """{ "targetRegion": "westeurope", "history": "Week" }"""));
        Assert.StartsWith(projectId + ":assessment:", accepted["links"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        var custom = status["customStatus"]!.AsObject();
        Assert.Equal(2, custom.Single(p => string.Equals(p.Key, "batches", StringComparison.OrdinalIgnoreCase)).Value!.GetValue<int>());
        Assert.Equal(2, custom.Single(p => string.Equals(p.Key, "batchesDone", StringComparison.OrdinalIgnoreCase)).Value!.GetValue<int>());

        var assessment = await HubClient.JsonAsync(await hub.GetAsync($"{basePath}/web/assessments/a1"));
        Assert.Equal("Completed", assessment["status"]!.GetValue<string>());
        Assert.False(assessment["stale"]!.GetValue<bool>(), assessment.ToJsonString());
        var summary = assessment["summary"]!;
        Assert.Equal(20, summary["machines"]!.GetValue<int>());
        Assert.Equal(1, summary["machinesNotFound"]!.GetValue<int>());
        Assert.Equal(95, assessment["settings"]!["percentile"]!.GetValue<int>());
        Assert.Equal(1.3, assessment["settings"]!["comfortFactor"]!.GetValue<double>());

        // The same servers and perf assessed in process give the same counts and totals.
        var settings = new AssessmentSettings { TargetRegion = "westeurope", History = PerformanceHistory.Week };
        var expected = new AssessmentEngine().Assess(members.Select(s => new AssessmentInput(s, perf.TryGetValue(s.Id, out var p) ? PerformanceSeries.FromPoints(p, TimeSpan.FromMinutes(10)) : null)).ToList(), settings);
        foreach (var r in Enum.GetValues<Readiness>())
        {
            Assert.Equal(expected.ReadinessCounts[r], summary["readiness"]![r.ToString()]!.GetValue<int>());
        }

        Assert.True(expected.ReadinessCounts[Readiness.NotSuitable] > 0 && expected.ReadinessCounts[Readiness.Suitable] > 0);
        Assert.Equal(expected.TotalMonthlyComputeCost, summary["monthlyComputeCost"]!.GetValue<double>(), 6);
        Assert.Equal(expected.TotalMonthlyStorageCost, summary["monthlyStorageCost"]!.GetValue<double>(), 6);
        Assert.Equal(expected.Machines.Count(m => m.ConfidenceRating is null), summary["confidence"]!["None"]!.GetValue<int>());
        Assert.Equal(expected.Machines.Count(m => m.ConfidenceRating == 3), summary["confidence"]!["3"]!.GetValue<int>());
        Assert.Equal(20, summary["confidence"]!.AsObject().Sum(c => c.Value!.GetValue<int>()));

        // Assessed machines, paged.
        var machines = new List<JsonNode>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = $"{basePath}/web/assessments/a1/assessedMachines?top=7" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await HubClient.JsonAsync(await hub.GetAsync(url));
            machines.AddRange(page["value"]!.AsArray().Select(n => n!));
            token = page["continuationToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(members.Select(s => s.Id).Order(StringComparer.Ordinal), machines.Select(m => m["serverId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var byName = machines.ToDictionary(m => m["name"]!.GetValue<string>());
        foreach (var e in expected.Machines)
        {
            var m = byName[e.Name];
            Assert.Equal(e.Readiness.ToString(), m["readiness"]!.GetValue<string>());
            Assert.Equal(e.Compute?.Size.Name, m["compute"]?["size"]!["name"]!.GetValue<string>());
            Assert.Equal(e.ConfidenceRating, m["confidenceRating"]?.GetValue<int>());
        }

        // XLSX: summary sheet, one row per machine, one row per disk, matching the API.
        using var xlsxResponse = await hub.GetAsync($"{basePath}/web/assessments/a1/report?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsxResponse.StatusCode);
        var xlsx = new MemoryStream(await xlsxResponse.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Summary", "Assessed machines", "Assessed disks"], MiniExcel.GetSheetNames(xlsx));
        var summarySheet = xlsx.Query(useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object?>>()
            .ToDictionary(r => (string)r["Setting"]!, r => r["Value"]);
        Assert.Equal(20, Convert.ToInt32(summarySheet["Machines assessed"], CultureInfo.InvariantCulture));
        Assert.Equal(summary["readiness"]!["Suitable"]!.GetValue<int>(), Convert.ToInt32(summarySheet["Ready"], CultureInfo.InvariantCulture));
        Assert.Equal(summary["readiness"]!["NotSuitable"]!.GetValue<int>(), Convert.ToInt32(summarySheet["Not ready"], CultureInfo.InvariantCulture));
        Assert.Equal(Math.Round(summary["monthlyComputeCost"]!.GetValue<double>(), 2), Convert.ToDouble(summarySheet["Total monthly compute cost (known)"], CultureInfo.InvariantCulture), 6);
        Assert.Equal(Math.Round(summary["monthlyStorageCost"]!.GetValue<double>(), 2), Convert.ToDouble(summarySheet["Total monthly storage cost (known)"], CultureInfo.InvariantCulture), 6);

        var rows = xlsx.Query(useHeaderRow: true, sheetName: "Assessed machines").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(20, rows.Count);
        foreach (var row in rows)
        {
            var m = byName[(string)row["Machine name"]!];
            Assert.Equal(AssessmentReportWriter.ReadinessLabel(Enum.Parse<Readiness>(m["readiness"]!.GetValue<string>())), row["Readiness"]);
            Assert.Equal(m["compute"]?["size"]!["name"]!.GetValue<string>() ?? string.Empty, row["Recommended VM size"] as string ?? string.Empty);
            if (m["compute"] is not null && m["monthlyComputeCost"] is { } cost)
            {
                Assert.Equal(Math.Round(cost.GetValue<double>(), 2), Convert.ToDouble(row["Monthly compute cost"], CultureInfo.InvariantCulture), 6);
            }
        }

        var diskRows = xlsx.Query(useHeaderRow: true, sheetName: "Assessed disks").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(machines.Sum(m => m["disks"]!.AsArray().Count), diskRows.Count);
        Assert.True(diskRows.Count > 0);

        // CSV: header + one row per machine.
        var csv = await (await hub.GetAsync($"{basePath}/web/assessments/a1/report?format=csv")).Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(21, lines.Length);
        Assert.StartsWith("Machine name,", lines[0], StringComparison.Ordinal);

        // The project export carries both reports.
        using (var export = await hub.Http.PostAsync($"api/projects/{project}/export", null))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            using var zip = new ZipArchive(new MemoryStream(await export.Content.ReadAsByteArrayAsync()));
            var entry = zip.GetEntry("assessments/web/a1/report.xlsx");
            Assert.NotNull(entry);
            using var inZip = new MemoryStream();
            await using (var s = entry.Open())
            {
                await s.CopyToAsync(inZip);
            }

            Assert.Equal(20, inZip.Query(useHeaderRow: true, sheetName: "Assessed machines").Count());
            Assert.NotNull(zip.GetEntry("assessments/web/a1/report.csv"));
        }

        // Data change: the group loses a server -> stale; recalculate -> fresh.
        using (var put = await hub.Http.SendAsync(Put(hub, $"{basePath}/web", new { machines = members.Skip(1).Select(s => s.Id).ToList() })))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var stale = await HubClient.JsonAsync(await hub.GetAsync($"{basePath}/web/assessments/a1"));
        Assert.True(stale["stale"]!.GetValue<bool>());
        Assert.Contains("Data", stale["staleReasons"]!.AsArray().Select(n => n!.GetValue<string>()));
        await ComputeAsync(hub, new HttpRequestMessage(HttpMethod.Post, new Uri(hub.Http.BaseAddress!, $"{basePath}/web/assessments/a1/recalculate")));
        var fresh = await HubClient.JsonAsync(await hub.GetAsync($"{basePath}/web/assessments/a1"));
        Assert.False(fresh["stale"]!.GetValue<bool>(), fresh.ToJsonString());
        Assert.Equal(19, fresh["summary"]!["machines"]!.GetValue<int>());
        Assert.Equal(0, fresh["summary"]!["machinesNotFound"]!.GetValue<int>());
        var csv2 = await (await hub.GetAsync($"{basePath}/web/assessments/a1/report?format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(20, csv2.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Only the latest computation's results are kept, under the project's partitions.
        var rowsLeft = await StorageRowsAsync(projectId, "AssessedMachines");
        Assert.Equal(19, rowsLeft.Count);
        Assert.All(rowsLeft, pk => Assert.StartsWith(projectId + "_", pk, StringComparison.Ordinal));

        // New settings: as on premises in EUR for a filter group of the Linux servers.
        using (var put = await hub.Http.SendAsync(Put(hub, $"{basePath}/linux", new { filter = new { os = "linux" } })))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        await ComputeAsync(hub, PutJson(hub, $"{basePath}/linux/assessments/onprem", """{ "targetRegion": "northeurope", "sizing": "AsOnPremises", "currency": "EUR", "savings": "Reserved3Year" }"""));
        var linux = await HubClient.JsonAsync(await hub.GetAsync($"{basePath}/linux/assessments/onprem"));
        Assert.Equal(servers.Count(s => s.OperatingSystem.Name!.Contains("Linux", StringComparison.Ordinal)), linux["summary"]!["machines"]!.GetValue<int>());
        Assert.Equal("EUR", linux["summary"]!["currency"]!.GetValue<string>());
        Assert.Equal(linux["summary"]!["machines"]!.GetValue<int>(), linux["summary"]!["confidence"]!["None"]!.GetValue<int>());

        var groups = await HubClient.JsonAsync(await hub.GetAsync(basePath));
        Assert.Equal(["linux", "web"], groups["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        // Delete: the group and its assessments, results and reports go.
        using (var del = await hub.Http.DeleteAsync($"{basePath}/web"))
        {
            Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await hub.GetAsync($"{basePath}/web/assessments/a1")).StatusCode);
        Assert.Empty(await StorageRowsAsync(projectId, "AssessedMachines", "web~"));
    }

    [Fact]
    public async Task Group_bodies_and_names_are_validated_naming_the_field()
    {
        using var hub = new HubClient(fixture.Host);
        var project = AppliancesTestApi.NewName("grp");
        await AppliancesTestApi.CreateProjectAsync(hub, project, "Europe", "westeurope");
        foreach (var (path, body, field) in new (string, object, string)[]
        {
            ("g1", new { }, "machines"),
            ("g1", new { machines = new[] { "a" }, filter = new { os = "Linux" } }, "machines"),
            ("g1", new { filter = new { os = "Solaris" } }, "filter.os"),
            ("g1", new { filter = new { powerState = "Sideways" } }, "filter.powerState"),
            ("bad~name", new { machines = new[] { "a" } }, "groupName"),
        })
        {
            using var response = await hub.Http.SendAsync(Put(hub, $"api/projects/{project}/groups/{path}", body));
            var problem = await HubClient.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToJsonString());
            Assert.True(problem["errors"]![field] is not null, problem.ToJsonString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await hub.GetAsync($"api/projects/{project}/groups/g1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Http.SendAsync(Put(hub, $"api/projects/{project}/groups/g1/assessments/a", new { targetRegion = "westeurope" }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.Http.SendAsync(Put(hub, "api/projects/no-such-project-zz/groups/g1", new { machines = new[] { "a" } }))).StatusCode);
    }

    private async Task<List<string>> StorageRowsAsync(string projectId, string table, string? assessmentPrefix = null)
    {
        var client = new Azure.Data.Tables.TableServiceClient(fixture.Host.Stack.Regions["westeurope"].ConnectionString).GetTableClient(table);
        var list = new List<string>();
        await foreach (var e in client.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]))
        {
            if (e.PartitionKey.StartsWith(projectId + "_" + (assessmentPrefix ?? string.Empty), StringComparison.Ordinal))
            {
                list.Add(e.PartitionKey);
            }
        }

        return list;
    }
}
