using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrateHub.Functions.Http;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Projects;
using MigrateHub.Shared.Storage;

namespace MigrateHub.Functions.Migration;

/// <summary>Usage of one server.</summary>
/// <param name="ServerId">Server id.</param>
/// <param name="ReplicationStartedAt">Start of replication.</param>
/// <param name="ReplicationEndedAt">End of replication (null while it runs).</param>
/// <param name="DayNumber">Day of replication on the reporting day (1 on the start day), or the last day once ended.</param>
/// <param name="FreeDaysUsed">Free days used up to the reporting day.</param>
/// <param name="BillableDays">Billable days up to the reporting day.</param>
/// <param name="FreeDaysLeft">Free days left.</param>
/// <param name="BillableToday">Whether the reporting day is billable.</param>
/// <param name="MeteredBillableDays">Billable days recorded by the daily metering timer.</param>
public sealed record ServerUsage(string ServerId, DateTimeOffset ReplicationStartedAt, DateTimeOffset? ReplicationEndedAt, int DayNumber,
    int FreeDaysUsed, int BillableDays, int FreeDaysLeft, bool BillableToday, int MeteredBillableDays);

/// <summary>Computes and meters the 180-day free migration usage per server.</summary>
public sealed class UsageService(MigrationRepository repository, IOptions<LifecycleOptions> options)
{
    private FreeUsagePolicy Policy => new(options.Value.FreeDays);

    /// <summary>Usage of a project's servers as of a day (UTC).</summary>
    public async Task<IReadOnlyList<ServerUsage>> UsageAsync(string region, string projectId, DateTimeOffset asOf, CancellationToken ct)
    {
        var items = await repository.ListItemsAsync(region, projectId, ct).ConfigureAwait(false);
        var metered = (await repository.MeteredDaysAsync(region, projectId, ct).ConfigureAwait(false))
            .Where(d => d.Billable).GroupBy(d => d.ServerId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var policy = Policy;
        var list = new List<ServerUsage>();
        foreach (var item in items.Where(i => i.ReplicationStartedAt is not null).OrderBy(i => i.ServerId, StringComparer.Ordinal))
        {
            var start = item.ReplicationStartedAt!.Value;
            var until = item.ReplicationEndedAt is { } end && end < asOf ? end : asOf;
            var days = policy.ForPeriod(start, item.ReplicationEndedAt, start, asOf.UtcDateTime.Date.AddDays(1));
            list.Add(new ServerUsage(item.ServerId, start, item.ReplicationEndedAt, FreeUsagePolicy.DayNumber(start, until), days.FreeDays, days.BillableDays,
                policy.DaysLeft(start, until), item.ReplicationEndedAt is null && policy.IsBillable(start, asOf),
                metered.GetValueOrDefault(item.ServerId)));
        }

        return list;
    }

    /// <summary>Meters one UTC day for every replicating server of a region: a row per server and day, billable after the free window. Idempotent.</summary>
    public async Task<int> MeterDayAsync(string region, IEnumerable<string> projectIds, DateOnly day, CancellationToken ct)
    {
        var policy = Policy;
        var count = 0;
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        foreach (var projectId in projectIds)
        {
            foreach (var item in await repository.ListItemsAsync(region, projectId, ct).ConfigureAwait(false))
            {
                if (item.ReplicationStartedAt is not { } start || policy.ForPeriod(start, item.ReplicationEndedAt, dayStart, dayStart.AddDays(1)) is not { } days
                    || days.FreeDays + days.BillableDays == 0)
                {
                    continue;
                }

                await repository.MeterDayAsync(region, projectId, item.ServerId, day, days.BillableDays > 0, ct).ConfigureAwait(false);
                count++;
            }
        }

        return count;
    }
}

/// <summary>Usage APIs: <c>GET /api/projects/{projectName}/usage[?asOf=yyyy-MM-dd]</c> and <c>.../usage/{serverId}</c>.</summary>
public sealed class UsageApi(ProjectService projects, UsageService usage, TimeProvider clock)
{
    /// <summary>Usage of every server of the project.</summary>
    [Function(nameof(GetProjectUsage))]
    public async Task<IActionResult> GetProjectUsage(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/usage")] HttpRequest request, string projectName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (value, error) = await ReadAsync(request, projectName);
        if (error is not null)
        {
            return error;
        }

        return new OkObjectResult(new
        {
            servers = value!.Count,
            freeDaysUsed = value.Sum(v => v.FreeDaysUsed),
            billableDays = value.Sum(v => v.BillableDays),
            billableServers = value.Count(v => v.BillableToday),
            value,
        });
    }

    /// <summary>Usage of one server.</summary>
    [Function(nameof(GetServerUsage))]
    public async Task<IActionResult> GetServerUsage(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "projects/{projectName}/usage/{serverId}")] HttpRequest request, string projectName, string serverId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (value, error) = await ReadAsync(request, projectName);
        if (error is not null)
        {
            return error;
        }

        var one = value!.FirstOrDefault(v => v.ServerId == serverId);
        return one is null ? ApiProblems.NotFound($"Server '{serverId}' has never replicated in project '{projectName}'.") : new OkObjectResult(one);
    }

    private async Task<(IReadOnlyList<ServerUsage>? Value, IActionResult? Error)> ReadAsync(HttpRequest request, string projectName)
    {
        var asOf = clock.GetUtcNow();
        if (request.Query["asOf"].FirstOrDefault() is { } a)
        {
            if (!DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out asOf))
            {
                return (null, ApiProblems.Validation("Invalid query.", "'asOf' is a date or time (ISO 8601).",
                    new Dictionary<string, string[]> { ["asOf"] = ["An ISO 8601 date or time."] }));
            }
        }

        var project = await projects.FindAsync(projectName, request.HttpContext.RequestAborted);
        if (project is null)
        {
            return (null, ApiProblems.NotFound($"Project '{projectName}' does not exist."));
        }

        return (await usage.UsageAsync(project.Region, project.ProjectId, asOf, request.HttpContext.RequestAborted), null);
    }
}

/// <summary>Daily at 00:30 UTC: meters the previous day of every replicating server in every hosted region.</summary>
public sealed class UsageMeteringTimer(HubStorage storage, ProjectRepository projectRepository, UsageService usage, TimeProvider clock, ILogger<UsageMeteringTimer> logger)
{
    /// <summary>The timer function.</summary>
    [Function(nameof(UsageMetering))]
    public async Task UsageMetering([TimerTrigger("0 30 0 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var yesterday = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        await storage.ForEachHostedRegionAsync(logger, "Usage metering", async region =>
        {
            var ids = (await projectRepository.ListByStateAsync(region, ProvisioningStates.Succeeded, cancellationToken)).Select(p => p.Id);
            var rows = await usage.MeterDayAsync(region, ids, yesterday, cancellationToken);
            logger.LogInformation("Metered {Rows} server-days of {Day} in region {Region}", rows, yesterday, region);
        });
    }
}
