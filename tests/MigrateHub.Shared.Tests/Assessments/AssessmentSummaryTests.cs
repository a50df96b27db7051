using System.Text.Json;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Catalog;
using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Tests.Assessment;

namespace MigrateHub.Shared.Tests.Assessments;

public sealed class AssessmentSummaryTests
{
    private static readonly AssessmentSettings Settings = new() { TargetRegion = "westeurope" };

    [Fact]
    public void Summary_of_batches_added_equals_the_summary_of_all_machines_and_the_engine_totals()
    {
        var engine = new AssessmentEngine();
        var inputs = new[]
        {
            Servers.Make(), Servers.Make(cores: 16, memoryMb: 65536), Servers.Make(os: "Ubuntu Linux (64-bit)"),
            Servers.Make(os: "Microsoft Windows Server 2008 R2 (64-bit)", boot: BootType.Uefi), Servers.Make(os: "Other"),
        }.Select((s, i) => new AssessmentInput(s with { Id = "s" + i, Name = "s" + i })).ToList();
        var all = engine.Assess(inputs, Settings);

        var batches = all.Machines.Chunk(2).Select(c => AssessmentSummary.Of(c, "USD")).ToList();
        var total = batches.Aggregate(AssessmentSummary.Empty("USD"), (a, b) => a.Add(b));

        Assert.Equal(5, total.Machines);
        foreach (var r in Enum.GetValues<Readiness>())
        {
            Assert.Equal(all.ReadinessCounts[r], total.Readiness[r]);
        }

        Assert.Equal(all.TotalMonthlyComputeCost, total.MonthlyComputeCost, 9);
        Assert.Equal(all.TotalMonthlyStorageCost, total.MonthlyStorageCost, 9);
        Assert.Equal(all.MachinesWithUnknownCost, total.MachinesWithUnknownCost);
        Assert.Equal(5, total.Confidence.Values.Sum());
        Assert.Equal(all.Machines.Count(m => m.ConfidenceRating is null), total.Confidence["None"]);
    }

    [Fact]
    public void Summary_and_assessed_machines_round_trip_through_the_stored_json()
    {
        var machine = new AssessmentEngine().Assess(new AssessmentInput(Servers.Make()), Settings);
        var back = JsonSerializer.Deserialize<AssessedMachine>(JsonSerializer.Serialize(machine, AssessmentStore.Json), AssessmentStore.Json)!;
        Assert.Equal(machine.Compute!.Size.Name, back.Compute!.Size.Name);
        Assert.Equal(machine.MonthlyComputeCost, back.MonthlyComputeCost);
        Assert.Equal(machine.Disks.Select(d => d.Tier), back.Disks.Select(d => d.Tier));

        var summary = AssessmentSummary.Of([machine], "USD");
        var json = JsonSerializer.Serialize(summary, AssessmentStore.Json);
        Assert.Contains("\"Suitable\":1", json, StringComparison.Ordinal);
        var again = JsonSerializer.Deserialize<AssessmentSummary>(json, AssessmentStore.Json)!;
        Assert.Equal(summary.Readiness[Readiness.Suitable], again.Readiness[Readiness.Suitable]);
        Assert.Equal(summary.MonthlyTotalCost, again.MonthlyTotalCost, 9);
    }

    [Theory]
    [InlineData("""{ "targetRegion": "nowhere" }""", "targetRegion")]
    [InlineData("""{ "targetRegion": "westeurope", "percentile": 80 }""", "percentile")]
    [InlineData("""{ "targetRegion": "westeurope", "comfortFactor": 0 }""", "comfortFactor")]
    [InlineData("""{ "targetRegion": "westeurope", "uptimeHoursPerDay": 25 }""", "uptimeHoursPerDay")]
    [InlineData("""{ "targetRegion": "westeurope", "uptimeDaysPerMonth": 0 }""", "uptimeDaysPerMonth")]
    [InlineData("""{ "targetRegion": "westeurope", "discountPercent": 101 }""", "discountPercent")]
    [InlineData("""{ "targetRegion": "westeurope", "currency": "XYZ" }""", "currency")]
    [InlineData("""{ "targetRegion": "westeurope", "history": "Custom" }""", "customHistory")]
    [InlineData("""{ "targetRegion": "westeurope", "history": "Custom", "customHistory": "40.00:00:00" }""", "customHistory")]
    public void Invalid_settings_are_reported_under_their_field(string json, string field)
    {
        var settings = JsonSerializer.Deserialize<AssessmentSettings>(json, AssessmentStore.Json)!;
        var errors = AssessmentSettingsValidator.Validate(settings, AzureCatalog.Default);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Default_settings_are_valid_and_match_the_domain_defaults()
    {
        var settings = JsonSerializer.Deserialize<AssessmentSettings>("""{ "targetRegion": "westeurope" }""", AssessmentStore.Json)!;
        Assert.Empty(AssessmentSettingsValidator.Validate(settings, AzureCatalog.Default));
        Assert.Equal(95, settings.Percentile);
        Assert.Equal(SizingCriterion.PerformanceBased, settings.Sizing);
        Assert.Equal(PerformanceHistory.Month, settings.History);
        Assert.True(settings.AzureHybridBenefit);
        Assert.Equal(31, settings.UptimeDaysPerMonth);
        Assert.Equal(24, settings.UptimeHoursPerDay);
        Assert.Equal(AsOnPremisesStorage.Premium, settings.AsOnPremisesStorage);
    }

    [Fact]
    public void Fingerprint_ignores_discovery_times_and_order_but_not_inventory_or_missing_ids()
    {
        var a = Servers.Make() with { Id = "a", Name = "a", LastDiscoveredAt = DateTimeOffset.UnixEpoch };
        var b = Servers.Make(cores: 8) with { Id = "b", Name = "b" };
        var baseline = AssessmentRunner.Fingerprint([a, b], []);
        Assert.Equal(baseline, AssessmentRunner.Fingerprint([b, a with { LastDiscoveredAt = DateTimeOffset.UtcNow }], []));
        Assert.NotEqual(baseline, AssessmentRunner.Fingerprint([a, b with { Cores = 16 }], []));
        Assert.NotEqual(baseline, AssessmentRunner.Fingerprint([a], []));
        Assert.NotEqual(baseline, AssessmentRunner.Fingerprint([a, b], ["gone"]));
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("Web-Tier_2.prod", true)]
    [InlineData("", false)]
    [InlineData("-web", false)]
    [InlineData("a~b", false)]
    [InlineData("a/b", false)]
    public void Names_are_letters_digits_dot_dash_underscore(string name, bool valid) =>
        Assert.Equal(valid, AssessmentKeys.IsValidName(name));

    [Fact]
    public void Keys_keep_the_project_prefix_convention()
    {
        Assert.StartsWith("p1_", AssessmentKeys.RunPartition("p1", "g", "a", "0001"), StringComparison.Ordinal);
        Assert.StartsWith("p1_", AssessmentKeys.MembersPartition("p1", "g"), StringComparison.Ordinal);
        Assert.StartsWith("p1/", AssessmentKeys.ReportBlob("p1", "g", "a", "0001", "xlsx"), StringComparison.Ordinal);
        Assert.StartsWith("p1:", AssessmentKeys.InstanceId("p1", "g", "a"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(5), AssessmentRunner.IntervalOf(SourceType.Physical));
        Assert.Equal(TimeSpan.FromMinutes(10), AssessmentRunner.IntervalOf(SourceType.VMware));
    }
}
