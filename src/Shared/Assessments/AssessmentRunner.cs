using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Appliances;
using MigrateHub.Shared.Assessment;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Shared.Assessments;

/// <summary>Input of the assessment orchestration: one computation of one assessment.</summary>
/// <param name="Region">The project's region.</param>
/// <param name="ProjectId">Project id.</param>
/// <param name="Group">Group name.</param>
/// <param name="Assessment">Assessment name.</param>
/// <param name="RunId">Id of this computation (results are stored under it).</param>
/// <param name="AsOf">When the computation was requested: the end of the performance history read.</param>
/// <param name="BatchSize">Servers per activity.</param>
/// <param name="BatchesInFlight">Activities the orchestration keeps running at once (0 or less: all at once).</param>
public sealed record AssessmentRunRequest(
    string Region, string ProjectId, string Group, string Assessment, string RunId, DateTimeOffset AsOf,
    int BatchSize = AssessmentRunRequest.DefaultBatchSize, int BatchesInFlight = AssessmentRunRequest.DefaultBatchesInFlight)
{
    /// <summary>Servers per activity by default.</summary>
    public const int DefaultBatchSize = 250;

    /// <summary>
    /// Activities in flight by default: enough to keep a storage account busy (each reads up to
    /// <see cref="BatchPerformanceReader.DaysInFlight"/> day partitions at once), few enough that a slow
    /// store queues requests in the activities rather than past the client's network timeout.
    /// </summary>
    public const int DefaultBatchesInFlight = 16;

    /// <summary>Partition of this computation's batches and results.</summary>
    public string Partition => AssessmentKeys.RunPartition(ProjectId, Group, Assessment, RunId);
}

/// <summary>Result of preparing a computation: the group resolved and split into batches.</summary>
/// <param name="Machines">Servers to assess.</param>
/// <param name="MachinesNotFound">Listed servers that are not discovered.</param>
/// <param name="Batches">Number of batches written.</param>
/// <param name="DataVersion">Fingerprint of the group's membership and inventory.</param>
/// <param name="Currency">Currency of the settings.</param>
public sealed record PreparedAssessment(int Machines, int MachinesNotFound, int Batches, string DataVersion, string Currency);

/// <summary>Input of the activity that assesses one batch.</summary>
/// <param name="Run">The computation.</param>
/// <param name="Batch">Batch number (0-based).</param>
public sealed record AssessBatchRequest(AssessmentRunRequest Run, int Batch);

/// <summary>Input of the activity that records the end of a computation.</summary>
/// <param name="Run">The computation.</param>
/// <param name="Summary">Totals of every batch (null when it failed).</param>
/// <param name="DataVersion">Fingerprint of the data assessed.</param>
/// <param name="Error">Why it failed (null when it succeeded).</param>
public sealed record CompleteAssessmentRequest(AssessmentRunRequest Run, AssessmentSummary? Summary, string? DataVersion, string? Error);

/// <summary>The servers of a group as discovery has them now.</summary>
/// <param name="Servers">Discovered servers of the group, ordered by id.</param>
/// <param name="NotFound">Listed ids with no discovered server.</param>
/// <param name="DataVersion">Fingerprint of membership and inventory (last-discovered times left out).</param>
public sealed record GroupMembers(IReadOnlyList<DiscoveredServer> Servers, int NotFound, string DataVersion);

/// <summary>
/// The work of an assessment computation, called by the orchestration's activities (and the bench):
/// resolving a group, assessing one batch (the servers as the group resolved them, the batch's
/// performance window read with <see cref="BatchPerformanceReader"/> (one range query per day), the
/// engine per server, results written in batched Table writes), and recording the end.
/// </summary>
public sealed class AssessmentRunner(AssessmentStore store, DiscoveryReader reader, BatchPerformanceReader performance, ApplianceRepository appliances, AssessmentEngine engine, ILogger<AssessmentRunner> logger)
{
    /// <summary>Servers read concurrently when a batch has no server snapshot (point reads).</summary>
    public const int ServersInFlight = 8;

    /// <summary>The group's discovered servers now, with a fingerprint of them.</summary>
    public async Task<GroupMembers?> ResolveGroupAsync(string region, string projectId, string groupName, CancellationToken cancellationToken)
    {
        var group = await store.GetGroupAsync(region, projectId, groupName, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return null;
        }

        var servers = new List<DiscoveredServer>();
        var notFound = 0;
        if (group.Filter is { } f)
        {
            string? applianceId = null;
            if (f.ApplianceName is not null)
            {
                applianceId = (await appliances.GetByNameAsync(region, projectId, f.ApplianceName, cancellationToken).ConfigureAwait(false))?.Appliance.Id;
                if (applianceId is null)
                {
                    return new GroupMembers([], 0, Fingerprint([], []));
                }
            }

            await foreach (var s in AllServersAsync(region, projectId, new ServerFilter(f.SourceType, f.Os, f.PowerState, applianceId), cancellationToken).ConfigureAwait(false))
            {
                servers.Add(s);
            }
        }
        else
        {
            var listed = (await store.ListMembersAsync(region, projectId, groupName, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            await foreach (var s in AllServersAsync(region, projectId, new ServerFilter(null, null, null, null), cancellationToken).ConfigureAwait(false))
            {
                if (listed.Remove(s.Id))
                {
                    servers.Add(s);
                }
            }

            notFound = listed.Count;
            servers.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
            return new GroupMembers(servers, notFound, Fingerprint(servers, listed));
        }

        servers.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new GroupMembers(servers, notFound, Fingerprint(servers, []));
    }

    /// <summary>Resolves the group and writes the computation's batches.</summary>
    public async Task<PreparedAssessment> PrepareAsync(AssessmentRunRequest run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var started = Stopwatch.GetTimestamp();
        var assessment = await store.GetAssessmentAsync(run.Region, run.ProjectId, run.Group, run.Assessment, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Assessment '{run.Assessment}' of group '{run.Group}' does not exist.");
        var members = await ResolveGroupAsync(run.Region, run.ProjectId, run.Group, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Group '{run.Group}' does not exist.");
        // Batches are runs of consecutive row keys, so that a batch's performance is one key range per day.
        var batches = members.Servers.OrderBy(s => DiscoveryTables.Escape(s.Id), StringComparer.Ordinal)
            .Chunk(Math.Max(1, run.BatchSize))
            .Select(c => ((IReadOnlyList<string>)c.Select(s => s.Id).ToList(), (IReadOnlyList<DiscoveredServer>?)c))
            .ToList();
        await store.WriteBatchesAsync(run.Region, run.Partition, batches, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Assessment {AssessmentId} of project {ProjectId}, run {RunId}: {Machines} servers in {Batches} batches (prepared in {PrepareMs:0} ms)",
            AssessmentKeys.AssessmentId(run.Group, run.Assessment), run.ProjectId, run.RunId, members.Servers.Count, batches.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new PreparedAssessment(members.Servers.Count, members.NotFound, batches.Count, members.DataVersion, assessment.Settings.Currency);
    }

    /// <summary>Assesses one batch and stores its machines; returns the batch's totals. Idempotent (upserts).</summary>
    public async Task<AssessmentSummary> AssessBatchAsync(AssessBatchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = request.Run;
        var assessment = await store.GetAssessmentAsync(run.Region, run.ProjectId, run.Group, run.Assessment, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Assessment '{run.Assessment}' of group '{run.Group}' does not exist.");
        var settings = assessment.Settings;
        var started = Stopwatch.GetTimestamp();
        var (ids, snapshot) = await store.ReadBatchServersAsync(run.Region, run.Partition, request.Batch, cancellationToken).ConfigureAwait(false);
        var servers = snapshot ?? await ReadServersAsync(run.Region, run.ProjectId, ids, cancellationToken).ConfigureAwait(false);
        var serversRead = Stopwatch.GetTimestamp();
        var series = await ReadPerformanceAsync(run.Region, run.ProjectId, servers, settings, run.AsOf, cancellationToken).ConfigureAwait(false);
        var performanceRead = Stopwatch.GetTimestamp();
        var assessed = new AssessedMachine[servers.Count];
        Parallel.For(
            0,
            servers.Count,
            new ParallelOptions { CancellationToken = cancellationToken },
            i => assessed[i] = engine.Assess(new AssessmentInput(servers[i], series.GetValueOrDefault(servers[i].Id)), settings));
        var computed = Stopwatch.GetTimestamp();
        await store.WriteResultsAsync(run.Region, run.Partition, assessed, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(
            "Assessment run {RunId}, batch {Batch}: {Machines} servers ({Snapshot}) in {ServersMs:0} ms, performance ({Points} points) in {PerformanceMs:0} ms, engine {EngineMs:0} ms, results written in {WriteMs:0} ms",
            run.RunId, request.Batch, servers.Count, snapshot is null ? "read one by one" : "from the batch", Stopwatch.GetElapsedTime(started, serversRead).TotalMilliseconds,
            series.Values.Sum(v => (long)v.Count), Stopwatch.GetElapsedTime(serversRead, performanceRead).TotalMilliseconds,
            Stopwatch.GetElapsedTime(performanceRead, computed).TotalMilliseconds, Stopwatch.GetElapsedTime(computed).TotalMilliseconds);
        return AssessmentSummary.Of(assessed, settings.Currency) with { MachinesNotFound = ids.Count - assessed.Length };
    }

    /// <summary>
    /// Reads the performance history a batch of servers is sized on (none when sizing as on premises,
    /// none for imported servers): the window of the settings ending at <c>HistoryEnd</c> or at
    /// <paramref name="asOf"/>, one range query per day for the whole batch.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PerformanceSeries>> ReadPerformanceAsync(
        string region, string projectId, IReadOnlyList<DiscoveredServer> servers, AssessmentSettings settings, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(settings);
        var sized = settings.Sizing == SizingCriterion.AsOnPremises ? [] : servers.Where(s => !s.IsImported).ToList();
        if (sized.Count == 0)
        {
            return new Dictionary<string, PerformanceSeries>(StringComparer.Ordinal);
        }

        var to = settings.HistoryEnd ?? asOf;
        return await performance.ReadAsync(region, projectId, sized, to - settings.HistoryWindow, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the performance history a server is sized on (none when sizing as on premises): the window
    /// of the settings ending at <c>HistoryEnd</c> or at <paramref name="asOf"/>.
    /// </summary>
    public async Task<PerformanceSeries?> ReadPerformanceAsync(string region, string projectId, DiscoveredServer server, AssessmentSettings settings, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Sizing == SizingCriterion.AsOnPremises || server.IsImported)
        {
            return null;
        }

        var to = settings.HistoryEnd ?? asOf;
        var points = await reader.GetPerformanceAsync(region, projectId, server.Id, to - settings.HistoryWindow, to, cancellationToken).ConfigureAwait(false);
        return points.Count == 0 ? null : PerformanceSeries.FromPoints(points, IntervalOf(server.SourceType));
    }

    /// <summary>Records the end of a computation: summary and state, then removes older computations' data.</summary>
    public async Task<string> CompleteAsync(CompleteAssessmentRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = request.Run;
        var record = await store.GetAssessmentAsync(run.Region, run.ProjectId, run.Group, run.Assessment, cancellationToken).ConfigureAwait(false);
        if (record is null || record.RunId != run.RunId)
        {
            // Deleted, or a newer computation was started: this one's results are not shown.
            return "Superseded";
        }

        if (request.Error is not null)
        {
            await store.PutAssessmentAsync(run.Region, run.ProjectId, record with { Status = AssessmentStatuses.Failed, Error = request.Error }, cancellationToken).ConfigureAwait(false);
            return AssessmentStatuses.Failed;
        }

        await store.PutAssessmentAsync(run.Region, run.ProjectId, record with
        {
            Status = AssessmentStatuses.Completed,
            ResultRunId = run.RunId,
            Summary = request.Summary,
            ResultSettings = record.Settings,
            ResultDataVersion = request.DataVersion,
            ComputedAt = now,
            Error = null,
        }, cancellationToken).ConfigureAwait(false);
        await store.DeleteOtherRunsAsync(run.Region, run.ProjectId, run.Group, run.Assessment, run.RunId, cancellationToken).ConfigureAwait(false);
        return AssessmentStatuses.Completed;
    }

    /// <summary>Interval of a source's performance points (DOMAIN.md §2).</summary>
    public static TimeSpan IntervalOf(SourceType source) => source == SourceType.Physical ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(10);

    /// <summary>Fingerprint of a group's servers (inventory without the discovery times) and unresolved ids.</summary>
    public static string Fingerprint(IEnumerable<DiscoveredServer> servers, IEnumerable<string> notFound)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(notFound);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var s in servers.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(s with { LastDiscoveredAt = null, FirstDiscoveredAt = null }, AssessmentStore.Json));
            hash.AppendData("\n"u8);
        }

        foreach (var id in notFound.Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes("missing:" + id + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..32];
    }

    /// <summary>Servers of a batch written without a snapshot, read one by one (those no longer discovered are left out).</summary>
    private async Task<IReadOnlyList<DiscoveredServer>> ReadServersAsync(string region, string projectId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var views = new ServerView?[ids.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ServersInFlight, CancellationToken = cancellationToken },
            async (i, ct) => views[i] = await reader.GetServerAsync(region, projectId, ids[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return views.Where(v => v is not null).Select(v => v!.Server).ToList();
    }

    private async IAsyncEnumerable<DiscoveredServer> AllServersAsync(string region, string projectId, ServerFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await reader.ListServersAsync(region, projectId, filter, 1000, token, cancellationToken).ConfigureAwait(false);
            foreach (var v in page.Value)
            {
                if (!v.Missing)
                {
                    yield return v.Server;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
