using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Shared.Migration;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// The safety net of appliance reports: a lifecycle keeps no timer while it waits for a report, and the work item check
/// sweep (run every second by the fixture, as its timer would with compressed time) sends a stored report again when
/// its event never came.
/// </summary>
[Collection(MigrationCollection.Name)]
public sealed class MigrationReportSweepTests(MigrationFixture fixture)
{
    [Fact]
    public async Task A_report_stored_without_its_event_is_sent_again_by_the_check_sweep_and_its_check_is_removed_once_recorded()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migsw", [Server("lost-01")]);
        await WaitAsync(hub, p, "lost-01", s => S(s, "state") == "Discovered", "the lifecycle started by ingestion");

        // An appliance that pulls work but never reports it.
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.Zero) { Ignore = _ => true };
        await AcceptedAsync(await EnableAsync(hub, p, ["lost-01"]));
        var issued = await WaitAsync(hub, p, "lost-01", s => s["currentCycle"] is JsonObject c && S(c, "kind") == "InitialSeed", "initial seed issued");
        var workItemId = S(issued["currentCycle"]!, "workItemId");

        // One check for the work item in flight, first looked at one poll interval (20 s here) after issue.
        var checks = host.Services.GetRequiredService<WorkItemChecks>();
        var check = Assert.Single(await ChecksAsync(checks, p));
        Assert.Equal(workItemId, check.WorkItemId);
        Assert.Equal(TimeSpan.FromSeconds(20), check.CheckAt - check.IssuedAt);
        Assert.Equal(TimeSpan.FromMinutes(1), check.Deadline - check.IssuedAt);

        // The report stored as the report API stores it, but its event never sent (as if it was lost).
        await host.Services.GetRequiredService<MigrationRepository>().MarkReportedAsync(p.Region, p.ProjectId, check.ApplianceId, workItemId, true, CancellationToken.None);
        var item = await WaitAsync(hub, p, "lost-01", s => s["initialReplicationCompleted"]?.GetValue<bool>() == true, "the initial seed recorded from the sweep", TimeSpan.FromMinutes(2));
        var seed = item["cycles"]!.AsArray().Single(c => S(c!, "kind") == "InitialSeed")!;
        var took = seed["endedAt"]!.GetValue<DateTime>() - seed["startedAt"]!.GetValue<DateTime>();
        Assert.Equal("Succeeded", S(seed, "outcome"));
        Assert.True(took >= TimeSpan.FromSeconds(19) && took < TimeSpan.FromMinutes(1), $"the seed took {took.TotalSeconds:0.0} s: sent again at its first check, before its deadline");

        // Its check is gone once recorded; the next cycle's work item has its own.
        await WaitAsync(hub, p, "lost-01", s => s["currentCycle"] is JsonObject c && S(c, "workItemId") != workItemId, "the first delta issued");
        var left = await ChecksAsync(checks, p);
        Assert.DoesNotContain(left, c => c.WorkItemId == workItemId);
        Assert.Single(left);
    }

    private static async Task<List<WorkItemCheck>> ChecksAsync(WorkItemChecks checks, MigrationProject p) =>
        (await checks.DueAsync(p.Region, DateTimeOffset.UtcNow.AddYears(1), CancellationToken.None)).Where(c => c.ProjectId == p.ProjectId).ToList();
}
