using MigrateHub.Shared.Migration;

namespace MigrateHub.Shared.Tests.Migration;

public sealed class ReplicationRulesTests
{
    private static readonly ReplicationSchedule Schedule = ReplicationSchedule.Default;

    [Theory]
    [InlineData(10, 60)]       // 10 min cycle -> 1 h floor
    [InlineData(180, 90)]      // 3 h -> 1.5 h
    [InlineData(120, 60)]      // 2 h -> exactly 1 h
    [InlineData(30 * 60, 720)] // 30 h -> 12 h cap
    public void NextDelay_FollowsFormula(int previousMinutes, int expectedMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), Schedule.NextDelay(TimeSpan.FromMinutes(previousMinutes), previousWasInitial: false));

    [Fact]
    public void NextDelay_FirstDeltaStartsRightAfterInitial() =>
        Assert.Equal(TimeSpan.Zero, Schedule.NextDelay(TimeSpan.FromHours(20), previousWasInitial: true));

    [Fact]
    public void NextDelay_ServerCadenceBeatsProjectCadenceBeatsFormula()
    {
        Assert.Equal(TimeSpan.FromHours(4), Schedule.NextDelay(TimeSpan.FromHours(3), false, TimeSpan.FromHours(4), TimeSpan.FromHours(6)));
        Assert.Equal(TimeSpan.FromHours(6), Schedule.NextDelay(TimeSpan.FromHours(3), false, null, TimeSpan.FromHours(6)));
    }

    [Fact]
    public void NextDelay_CompressedBounds()
    {
        var fast = new ReplicationSchedule(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12));
        Assert.Equal(TimeSpan.FromSeconds(2), fast.NextDelay(TimeSpan.FromSeconds(4), false));
        Assert.Equal(TimeSpan.FromSeconds(1), fast.NextDelay(TimeSpan.FromMilliseconds(300), false));
        Assert.Equal(TimeSpan.FromSeconds(12), fast.NextDelay(TimeSpan.FromMinutes(1), false));
    }

    // 2026-11-28 is a Saturday.
    private static readonly BlackoutWindow SaturdayNight = new(DayOfWeek.Saturday, new TimeOnly(22, 0), TimeSpan.FromHours(6));

    [Fact]
    public void Blackout_InsideAcrossMidnight_AndOutside()
    {
        BlackoutWindow[] windows = [SaturdayNight];
        Assert.True(Blackouts.IsInside(windows, At("2026-11-28T23:00:00Z")));
        Assert.True(Blackouts.IsInside(windows, At("2026-11-29T03:59:00Z")));
        Assert.False(Blackouts.IsInside(windows, At("2026-11-29T04:00:00Z")));
        Assert.False(Blackouts.IsInside(windows, At("2026-11-28T21:59:59Z")));
        Assert.Equal(At("2026-11-29T04:00:00Z"), Blackouts.NextAllowedStart(windows, At("2026-11-28T23:00:00Z")));
        Assert.Equal(At("2026-11-27T10:00:00Z"), Blackouts.NextAllowedStart(windows, At("2026-11-27T10:00:00Z")));
    }

    [Fact]
    public void Blackout_AcrossEndOfWeek_AndChainedWindows()
    {
        BlackoutWindow[] windows = [SaturdayNight, new(DayOfWeek.Sunday, new TimeOnly(3, 0), TimeSpan.FromHours(3)),
            new(DayOfWeek.Saturday, new TimeOnly(20, 0), TimeSpan.FromDays(1.5))];
        // Saturday 20:00 + 36 h = Monday 08:00 (crosses the end of the week: Sunday is day 0).
        Assert.True(Blackouts.IsInside(windows, At("2026-11-30T07:00:00Z")));
        Assert.Equal(At("2026-11-30T08:00:00Z"), Blackouts.NextAllowedStart(windows, At("2026-11-28T21:00:00Z")));
        BlackoutWindow[] chained = [SaturdayNight, new(DayOfWeek.Sunday, new TimeOnly(3, 0), TimeSpan.FromHours(3))];
        Assert.Equal(At("2026-11-29T06:00:00Z"), Blackouts.NextAllowedStart(chained, At("2026-11-28T22:30:00Z")));
    }

    [Fact]
    public void Blackout_InvalidDuration_IsReported()
    {
        Assert.NotNull(new BlackoutWindow(DayOfWeek.Monday, new TimeOnly(1, 0), TimeSpan.Zero).Validate());
        Assert.NotNull(new BlackoutWindow(DayOfWeek.Monday, new TimeOnly(1, 0), TimeSpan.FromDays(7)).Validate());
        Assert.Null(SaturdayNight.Validate());
    }

    [Fact]
    public void Health_EscalatesOnFailedOrSilentCycles_AndRecoversOnSuccess()
    {
        var h = ReplicationHealthState.Normal.After(CycleOutcome.Failed, "disk read error");
        Assert.Equal((ReplicationHealths.Warning, 1, "disk read error"), (h.Health, h.ConsecutiveFailures, h.LastError));
        h = h.After(CycleOutcome.Silent);
        Assert.Equal(ReplicationHealths.Warning, h.Health);
        h = h.After(CycleOutcome.Silent);
        Assert.Equal(ReplicationHealths.Critical, h.Health);
        Assert.Contains("did not report", h.LastError, StringComparison.Ordinal);
        Assert.Equal(ReplicationHealthState.Normal, h.After(CycleOutcome.Succeeded));
        Assert.Equal(ReplicationHealths.Critical, ReplicationHealthState.Normal.After(CycleOutcome.Failed, criticalAfter: 1).Health);
    }

    [Fact]
    public void Avs_ToAzure_IsRefused_OnPremisesIsNot()
    {
        var reason = MigrationEligibility.RefusalReason(MigrationPlatforms.AzureVmwareSolution, MigrationPlatforms.Azure);
        Assert.Contains("Azure VMware Solution to Azure is not supported", reason, StringComparison.Ordinal);
        Assert.Null(MigrationEligibility.RefusalReason(MigrationPlatforms.OnPremises, MigrationPlatforms.Azure));
        Assert.Null(MigrationEligibility.RefusalReason(null, MigrationPlatforms.AzureVmwareSolution));
        Assert.True(MigrationEligibility.IsAvsHost("vc.abc123.westeurope.avs.azure.com"));
        Assert.False(MigrationEligibility.IsAvsHost("vcenter.contoso.local"));
    }

    [Fact]
    public void ReplicationPath_VmwareIsAgentless_OthersAgentBased()
    {
        Assert.Equal(ReplicationPaths.AgentlessVmware, ReplicationPaths.For("VMware"));
        Assert.Equal(ReplicationPaths.AgentBased, ReplicationPaths.For("HyperV"));
        Assert.Equal(ReplicationPaths.AgentBased, ReplicationPaths.For("Physical"));
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
