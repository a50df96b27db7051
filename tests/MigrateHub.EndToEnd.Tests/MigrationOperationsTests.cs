using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Functions.Migration;
using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

[Collection(MigrationCollection.Name)]
public sealed class MigrationOperationsTests(MigrationFixture fixture)
{
    private static readonly string[] AllOperations =
        ["testMigrate", "testMigrateCleanup", "migrate", "completeMigration", "pauseReplication", "resumeReplication", "resync", "disableReplication"];

    [Fact]
    public async Task Every_operation_not_allowed_is_a_409_naming_the_allowed_ones_and_pause_resume_resync_and_disable_work()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migo", [Server("idle-01"), Server("ops-02")]);
        await WaitAsync(hub, p, "idle-01", s => S(s, "state") == "Discovered", "discovered");
        await WaitAsync(hub, p, "ops-02", s => S(s, "state") == "Discovered", "discovered");

        // Not replicating: every operation but enable is refused, with an empty allowed list.
        foreach (var operation in AllOperations)
        {
            using var response = await OperationAsync(hub, p, "idle-01", operation);
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{operation}: {(int)response.StatusCode}");
            var problem = await HubClient.JsonAsync(response);
            Assert.Empty(problem["allowedOperations"]!.AsArray());
            Assert.Equal("None", problem["migrationState"]!.GetValue<string>());
        }

        using (var unknown = await OperationAsync(hub, p, "idle-01", "teleport"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var invalid = await hub.Http.PostAsJsonAsync($"api/projects/{p.Project}/migrationItems/ops-02/enableReplication", new { vmSize = "Standard_D2s_v5" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var errors = (await HubClient.JsonAsync(invalid))["errors"]!.AsObject();
            Assert.Contains("subscriptionId", errors.Select(e => e.Key));
            Assert.Contains("network", errors.Select(e => e.Key));
        }

        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300));
        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "enableReplication", Target(p)));
        var replicating = await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "Replicating" && s["deltaCyclesCompleted"]!.GetValue<int>() >= 1, "replication");
        using (var twice = await OperationAsync(hub, p, "ops-02", "enableReplication", Target(p)))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            Assert.Contains("already enabled", (await HubClient.JsonAsync(twice))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await RefusedAsync(hub, p, "ops-02", ["testMigrateCleanup", "resumeReplication", "completeMigration"], Allowed(replicating));

        // Pause: cycles stop; only resume and disable are allowed.
        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "pauseReplication"));
        var paused = await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "ProtectionSuspended", "pause");
        Assert.Equal(["DisableMigration", "ResumeReplication"], Allowed(paused));
        await RefusedAsync(hub, p, "ops-02", ["testMigrate", "migrate", "pauseReplication", "resync", "testMigrateCleanup", "completeMigration"], Allowed(paused));
        var cyclesWhilePaused = (await ItemAsync(hub, p, "ops-02"))["deltaCyclesCompleted"]!.GetValue<int>();
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(cyclesWhilePaused, (await ItemAsync(hub, p, "ops-02"))["deltaCyclesCompleted"]!.GetValue<int>());

        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "resumeReplication"));
        await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "Replicating" && s["deltaCyclesCompleted"]!.GetValue<int>() > cyclesWhilePaused, "cycles after resume");

        // Resync: a new full copy, then deltas again.
        var seedsBefore = appliance.Seen.Count(w => S(w, "serverId") == "ops-02" && S(w, "kind") == "InitialSeed");
        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "resync"));
        await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "Replicating" && S(s["lastCycle"]!, "kind") == "Delta"
            && appliance.Seen.Count(w => S(w, "serverId") == "ops-02" && S(w, "kind") == "InitialSeed") == seedsBefore + 1, "resync then a delta");

        // Failed and silent cycles: Warning, then Critical; a good cycle brings Normal back.
        appliance.Fail = w => S(w, "serverId") == "ops-02" && S(w, "kind") == "Delta" ? "VMware snapshot failed" : null;
        var warning = await WaitAsync(hub, p, "ops-02", s => S(s, "health") == "Warning", "Warning");
        Assert.Equal("VMware snapshot failed", S(warning, "healthError"));
        await WaitAsync(hub, p, "ops-02", s => S(s, "health") == "Critical", "Critical");
        appliance.Fail = _ => null;
        await WaitAsync(hub, p, "ops-02", s => S(s, "health") == "Normal", "Normal again");

        // Disable: back to None, seed disks deleted; enable is allowed again.
        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "disableReplication"));
        var disabled = await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "None", "disable");
        Assert.Equal("Discovered", S(disabled, "state"));
        Assert.DoesNotContain(Names(host, "Microsoft.Compute/disks", p.ResourceGroup), n => n.StartsWith("ops-02-seed", StringComparison.Ordinal));
        await AcceptedAsync(await OperationAsync(hub, p, "ops-02", "enableReplication", Target(p)));
        await WaitAsync(hub, p, "ops-02", s => S(s, "migrationState") == "Replicating", "replicating again");
    }

    [Fact]
    public async Task A_server_on_Azure_VMware_Solution_cannot_be_migrated_to_Azure_and_the_reason_is_given()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "miga", [Server("avs-01", host: "esx05-r02.p01.westeurope.avs.azure.com"), Server("onprem-02")]);
        await WaitAsync(hub, p, "avs-01", s => S(s, "state") == "Discovered", "discovered");

        using var refused = await EnableAsync(hub, p, ["onprem-02", "avs-01"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await HubClient.JsonAsync(refused);
        Assert.Contains("Azure VMware Solution to Azure is not supported", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("avs-01", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // The batch is all or nothing: the on-premises server was not enabled either.
        Assert.Equal("None", S(await ItemAsync(hub, p, "onprem-02"), "migrationState"));
        Assert.Empty(Names(host, "Microsoft.Compute/disks", p.ResourceGroup));

        using var declared = await hub.Http.PostAsJsonAsync($"api/projects/{p.Project}/migrationItems/onprem-02/enableReplication",
            new { subscriptionId = SubscriptionId, resourceGroup = p.ResourceGroup, targetRegion = "westeurope", vmSize = "Standard_D2s_v5",
                network = new { virtualNetworkId = p.VnetId, subnetName = "apps" }, sourcePlatform = "AzureVMwareSolution" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, declared.StatusCode);
    }

    [Fact]
    public async Task A_cutover_over_the_regional_vCPU_quota_fails_at_once_with_Azures_reason_and_succeeds_once_the_quota_is_raised()
    {
        var host = fixture.Host;
        var arm = host.Stack.Arm!;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migq", [Server("quota-01")]);
        await WaitAsync(hub, p, "quota-01", s => S(s, "state") == "Discovered", "discovered");
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(300));
        await AcceptedAsync(await OperationAsync(hub, p, "quota-01", "enableReplication", Target(p)));
        await WaitAsync(hub, p, "quota-01", s => S(s, "migrationState") == "Replicating", "initial replication");

        bool RefusedVm(MigrateHub.LocalAzure.Arm.ArmRequestRecord r) => r.Method == "PUT" && r.StatusCode == 409
            && r.ResourceType == MigrateHub.LocalAzure.Arm.ArmCallKinds.VirtualMachines && r.Path.Contains($"/{p.ResourceGroup}/", StringComparison.OrdinalIgnoreCase);
        try
        {
            // One vCPU left in the region; a Standard_D2s_v5 needs two.
            arm.SetVcpuQuota("westeurope", arm.VcpuUsage(SubscriptionId, "westeurope") + 1);
            await AcceptedAsync(await OperationAsync(hub, p, "quota-01", "migrate"));
            var failed = await WaitAsync(hub, p, "quota-01", s => S(s, "migrationState") == "MigrationFailed", "cutover refused", TimeSpan.FromSeconds(45));
            Assert.Contains("quota exceeded", S(failed, "lastMessage"), StringComparison.Ordinal);
            Assert.Equal(["DisableMigration", "Migrate"], Allowed(failed));

            // Not retried (a retry cannot fix a quota): one refused VM creation, and what the cutover made before it rolled back.
            Assert.Single(arm.Requests(), RefusedVm);
            Assert.Empty(Names(host, MigrateHub.LocalAzure.Arm.ArmCallKinds.VirtualMachines, p.ResourceGroup));
            Assert.Empty(Names(host, MigrateHub.LocalAzure.Arm.ArmCallKinds.NetworkInterfaces, p.ResourceGroup));
        }
        finally
        {
            arm.SetVcpuQuota("westeurope", MigrateHub.LocalAzure.Arm.LocalArmOptions.DefaultVcpuQuota);
        }

        // The quota granted, the same server migrates.
        await AcceptedAsync(await OperationAsync(hub, p, "quota-01", "migrate"));
        await WaitAsync(hub, p, "quota-01", s => S(s, "migrationState") == "MigrationSucceeded", "cutover after the quota increase");
        Assert.Single(Names(host, MigrateHub.LocalAzure.Arm.ArmCallKinds.VirtualMachines, p.ResourceGroup));
        Assert.Single(arm.Requests(), RefusedVm);
    }

    [Fact]
    public async Task Free_usage_is_180_days_from_the_start_of_replication_day_179_free_and_day_181_billable_with_a_controlled_clock()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        var p = await CreateAsync(host, hub, "migu", [Server("use-01")]);
        await WaitAsync(hub, p, "use-01", s => S(s, "state") == "Discovered", "discovered");
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.FromMilliseconds(200));
        await AcceptedAsync(await OperationAsync(hub, p, "use-01", "enableReplication", Target(p)));
        var item = await WaitAsync(hub, p, "use-01", s => S(s, "migrationState") == "Replicating", "replication");
        Assert.Equal(180, item["freeUsageDaysLeft"]!.GetValue<int>());
        var start = item["replicationStartedAt"]!.GetValue<DateTimeOffset>();
        var listed = await WaitForListedAsync(hub, p);
        Assert.Equal(start, listed);

        var day179 = await UsageAsync(hub, p, "use-01", start.AddDays(178));
        Assert.Equal(179, day179["dayNumber"]!.GetValue<int>());
        Assert.False(day179["billableToday"]!.GetValue<bool>());
        Assert.Equal((179, 0, 2), (day179["freeDaysUsed"]!.GetValue<int>(), day179["billableDays"]!.GetValue<int>(), day179["freeDaysLeft"]!.GetValue<int>()));
        var day181 = await UsageAsync(hub, p, "use-01", start.AddDays(180));
        Assert.True(day181["billableToday"]!.GetValue<bool>());
        Assert.Equal((180, 1, 0), (day181["freeDaysUsed"]!.GetValue<int>(), day181["billableDays"]!.GetValue<int>(), day181["freeDaysLeft"]!.GetValue<int>()));

        // The daily meter, run for given days (the timer runs it for yesterday): day 179 free, day 181 billable, re-runs change nothing.
        var usage = host.Services.GetRequiredService<UsageService>();
        var startDay = DateOnly.FromDateTime(start.UtcDateTime);
        Assert.Equal(1, await usage.MeterDayAsync(p.Region, [p.ProjectId], startDay.AddDays(178), CancellationToken.None));
        Assert.Equal(1, await usage.MeterDayAsync(p.Region, [p.ProjectId], startDay.AddDays(180), CancellationToken.None));
        Assert.Equal(1, await usage.MeterDayAsync(p.Region, [p.ProjectId], startDay.AddDays(180), CancellationToken.None));
        Assert.Equal(0, await usage.MeterDayAsync(p.Region, [p.ProjectId], startDay.AddDays(-1), CancellationToken.None));
        var project = await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{p.Project}/usage?asOf={Uri.EscapeDataString(start.AddDays(180).ToString("O"))}"));
        Assert.Equal(1, project["servers"]!.GetValue<int>());
        Assert.Equal(1, project["billableServers"]!.GetValue<int>());
        Assert.Equal(1, project["value"]![0]!["meteredBillableDays"]!.GetValue<int>());

        using (var timer = await hub.Http.PostAsync(new Uri(hub.Http.BaseAddress!, "admin/functions/UsageMetering"), null))
        {
            Assert.True(timer.IsSuccessStatusCode, $"{(int)timer.StatusCode}");
        }
    }

    private static async Task<DateTimeOffset> WaitForListedAsync(HubClient hub, MigrationProject p)
    {
        for (var i = 0; i < 100; i++)
        {
            var list = await HubClient.JsonAsync(await hub.GetAsync($"api/projects/{p.Project}/migrationItems"));
            if (list["value"]!.AsArray().FirstOrDefault()?["replicationStartedAt"] is { } started)
            {
                return started.GetValue<DateTimeOffset>();
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the migration item was never listed");
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> UsageAsync(HubClient hub, MigrationProject p, string server, DateTimeOffset asOf)
    {
        using var response = await hub.GetAsync($"api/projects/{p.Project}/usage/{server}?asOf={Uri.EscapeDataString(asOf.ToString("O"))}");
        var body = await HubClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private static async Task RefusedAsync(HubClient hub, MigrationProject p, string server, IEnumerable<string> operations, IReadOnlyList<string> allowed)
    {
        foreach (var operation in operations)
        {
            using var response = await OperationAsync(hub, p, server, operation);
            var problem = await HubClient.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{operation}: {(int)response.StatusCode} {problem.ToJsonString()}");
            Assert.Equal(allowed, problem["allowedOperations"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Contains("Allowed operations", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
