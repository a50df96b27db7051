using static MigrateHub.EndToEnd.Tests.MigrationTestKit;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>
/// Reports that arrive while a lifecycle is still recording the work it just issued. Before the fix, the wait for the
/// next event was cancelled when a deadline won, the SDK kept the cancelled waiter and handed it the next event, and
/// such a report was lost: the cycle ended only when the stored-report poll found it (20 s in this fixture).
/// </summary>
[Collection(MigrationCollection.Name)]
public sealed class MigrationEventDeliveryTests(MigrationFixture fixture)
{
    [Fact]
    public async Task Reports_sent_the_moment_work_is_issued_end_their_cycle_from_the_event_not_from_the_stored_report_poll()
    {
        var host = fixture.Host;
        using var hub = new HubClient(host);
        string[] ids = ["fast-01", "fast-02", "fast-03", "fast-04"];
        var p = await CreateAsync(host, hub, "migev", ids.Select(id => Server(id)).ToList());
        foreach (var id in ids)
        {
            await WaitAsync(hub, p, id, s => S(s, "state") == "Discovered", "the lifecycle started by ingestion");
        }

        // The appliance reports every work item as soon as it sees it (it pulls every 200 ms), so many reports reach the
        // hub while the lifecycle is still finishing the step that issued the work.
        await using var appliance = new FakeAppliance(host, p, _ => TimeSpan.Zero);
        await AcceptedAsync(await EnableAsync(hub, p, ids));

        foreach (var id in ids)
        {
            var item = await WaitAsync(hub, p, id, s => (s["deltaCyclesCompleted"]?.GetValue<int>() ?? 0) >= 3, "three delta cycles", TimeSpan.FromMinutes(2));
            var cycles = item["cycles"]!.AsArray().Select(c => c!).ToList();
            Assert.True(cycles.Count >= 4, $"{id}: {cycles.Count} cycles recorded");
            foreach (var cycle in cycles)
            {
                var took = cycle["endedAt"]!.GetValue<DateTime>() - cycle["startedAt"]!.GetValue<DateTime>();
                Assert.Equal("Succeeded", S(cycle, "outcome"));
                Assert.True(took < TimeSpan.FromSeconds(10), $"{id}: cycle {cycle["number"]} ({S(cycle, "kind")}) took {took.TotalSeconds:0.0} s: its report was taken from the stored-report poll, not from its event");
            }
        }
    }
}
