using MigrateHub.Appliance.Replication;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Appliance.Tests;

public sealed class ReplicationModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private const long GiB = 1L << 30;

    internal static DiscoveredServer Server(string id, params double[] diskGb) => new()
    {
        Id = id,
        Name = "name-" + id,
        Disks = diskGb.Select((g, i) => new DiscoveredDisk { Id = $"d{i}", SizeGb = g }).ToList(),
    };

    // 800 Mbit/s = 100,000,000 bytes/s: easy arithmetic.
    private static ReplicationModel Model(params DiscoveredServer[] servers) =>
        new(new ReplicationOptions { BandwidthMbps = 800, ChurnPercentPerHour = 1, MinimumDeltaBytes = 1000 }, servers, T0);

    [Fact]
    public void Initial_seed_copies_the_used_part_of_the_disks_at_the_appliance_bandwidth()
    {
        var model = Model(Server("a", 100, 300));
        Assert.True(model.Start("w1", "a", "InitialSeed", 0));
        var total = (long)(400 * 0.7 * GiB);
        Assert.Equal(total, model.Active.Single().TotalBytes);

        var seconds = total / 100_000_000.0;
        Assert.Empty(model.Advance(TimeSpan.FromSeconds(seconds - 1)));
        Assert.InRange(model.Active.Single().Percent, 99, 100);
        var done = Assert.Single(model.Advance(TimeSpan.FromSeconds(2)));
        Assert.Equal("w1", done.WorkItemId);
        Assert.Equal("name-a", done.ServerName);
        Assert.Equal(total, done.DoneBytes);
        Assert.Equal(seconds, done.Duration!.Value.TotalSeconds, 3);
        Assert.Empty(model.Active);
    }

    [Fact]
    public void Speedup_scales_real_time_to_simulated_time()
    {
        var model = new ReplicationModel(new ReplicationOptions { BandwidthMbps = 800, Speedup = 3600 }, [Server("a", 1000)], T0);
        model.Start("w1", "a", "InitialSeed", 0);
        // 700 GiB at 100 MB/s = 7516 s simulated = 2.09 s real.
        Assert.Empty(model.Advance(TimeSpan.FromSeconds(2)));
        Assert.Single(model.Advance(TimeSpan.FromSeconds(0.1)));
        Assert.Equal(T0 + TimeSpan.FromSeconds(2.1 * 3600), model.Now);
    }

    [Fact]
    public void Bandwidth_is_shared_by_weight_and_what_a_finished_transfer_leaves_goes_to_the_others()
    {
        var model = Model(Server("a", 10), Server("b", 10), Server("c", 1000));
        model.Start("seed-a", "a", "InitialSeed", 0);
        model.Start("seed-b", "b", "InitialSeed", 0);
        model.Advance(TimeSpan.FromSeconds(1));
        // Two seeds of equal weight: 50 MB each.
        Assert.All(model.Active, t => Assert.Equal(50_000_000, t.DoneBytes, 1.0));
        model.Advance(TimeSpan.FromHours(1));
        model.Start("seed-c", "c", "InitialSeed", 0);
        model.Advance(TimeSpan.FromHours(13));
        Assert.Empty(model.Active);

        // A final delta weighs 4, a seed 2: it gets 4/8 of the bandwidth, each seed 2/8.
        model.Start("seed-a2", "a", "InitialSeed", 2);
        model.Start("seed-b2", "b", "InitialSeed", 2);
        model.Start("final-c", "c", "FinalDelta", 3);
        model.Advance(TimeSpan.FromSeconds(1));
        var active = model.Active.ToDictionary(t => t.WorkItemId);
        Assert.Equal(25_000_000, active["seed-a2"].DoneBytes, 1.0);
        Assert.Equal(25_000_000, active["seed-b2"].DoneBytes, 1.0);
        Assert.Equal(50_000_000, active["final-c"].DoneBytes, 1.0);

        // Everything copies at the full bandwidth in total: the sum of bytes done over time is the bandwidth.
        var model2 = Model(Server("a", 1), Server("b", 100));
        model2.Start("small", "a", "InitialSeed", 0);
        model2.Start("big", "b", "InitialSeed", 0);
        var finished = model2.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("small", Assert.Single(finished).WorkItemId);
        var small = (long)(0.7 * GiB);
        Assert.Equal(2_000_000_000 - small, model2.Active.Single().DoneBytes, 10.0);
    }

    [Fact]
    public void A_delta_copies_the_changes_since_the_previous_snapshot_and_at_least_the_minimum()
    {
        var model = Model(Server("a", 1000));
        var used = model.UsedBytes("a");
        model.Start("seed", "a", "InitialSeed", 0);
        model.Advance(TimeSpan.FromHours(3));
        model.Start("d1", "a", "Delta", 1);
        // The seed's snapshot was 3 h ago: 1 %/h -> 3 % of the data.
        Assert.Equal((long)(used * 0.03), model.Active.Single().TotalBytes, 1.0);
        model.Start("d2", "a", "Delta", 2);
        Assert.Equal(1000, model.Active.Single(t => t.WorkItemId == "d2").TotalBytes);
    }

    [Fact]
    public void After_a_source_shutdown_the_server_stops_changing_so_the_final_delta_copies_only_what_changed_before()
    {
        var model = Model(Server("a", 1000));
        var used = model.UsedBytes("a");
        model.Start("seed", "a", "InitialSeed", 0);
        model.Advance(TimeSpan.FromHours(2));
        model.Start("down", "a", "SourceShutdown", 1);
        Assert.Empty(model.Advance(TimeSpan.FromMinutes(1)));
        var down = Assert.Single(model.Advance(TimeSpan.FromMinutes(1)));
        Assert.Equal("SourceShutdown", down.Kind);
        Assert.Equal(TimeSpan.FromMinutes(2), down.Duration);
        Assert.True(model.IsShutDown("a"));

        model.Advance(TimeSpan.FromHours(5));
        model.Start("final", "a", "FinalDelta", 2);
        // 2 h 2 min of changes (until the shutdown), not 7 h.
        Assert.Equal((long)(used * 0.01 * (2 + 2 / 60.0)), model.Active.Single().TotalBytes, 1.0);
    }

    [Fact]
    public void An_unknown_server_gets_the_default_disk_and_a_repeated_or_cancelled_item_is_handled()
    {
        var model = Model();
        Assert.Equal((long)(128 * 0.7 * GiB), model.UsedBytes("ghost"));
        Assert.True(model.Start("w", "ghost", "InitialSeed", 0));
        Assert.False(model.Start("w", "ghost", "InitialSeed", 0));
        Assert.Equal("ghost", model.Active.Single().ServerName);
        Assert.True(model.Cancel("w"));
        Assert.False(model.Cancel("w"));
        Assert.Empty(model.Advance(TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => model.Start("x", "ghost", "Teleport", 1));
    }
}
