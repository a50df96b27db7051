using MigrateHub.Shared.Inventory;
using MigrateHub.Shared.Migration;

namespace MigrateHub.Appliance.Replication;

/// <summary>How the simulated appliance replicates.</summary>
public sealed record ReplicationOptions
{
    /// <summary>The appliance's uplink to Azure, shared by every transfer (megabits per second).</summary>
    public double BandwidthMbps { get; init; } = 1000;

    /// <summary>Simulated seconds per real second (3600: an hour of replication takes a second).</summary>
    public double Speedup { get; init; } = 1;

    /// <summary>Share of a disk's size that holds data (what an initial seed copies; DOMAIN.md: size x 0.7).</summary>
    public double UsedFraction { get; init; } = 0.7;

    /// <summary>Percent of a server's data that changes per simulated hour while it runs (what a delta copies).</summary>
    public double ChurnPercentPerHour { get; init; } = 0.5;

    /// <summary>Least a delta copies (snapshot metadata, logs).</summary>
    public long MinimumDeltaBytes { get; init; } = 64L << 20;

    /// <summary>Simulated time a guest OS takes to shut down.</summary>
    public TimeSpan ShutdownTime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Disk size assumed for a server the appliance has no inventory of.</summary>
    public double DefaultDiskGb { get; init; } = 128;
}

/// <summary>One transfer (or shutdown) the appliance is doing for a work item.</summary>
/// <param name="WorkItemId">The work item.</param>
/// <param name="ServerId">Server id.</param>
/// <param name="ServerName">Server name (the server id when unknown).</param>
/// <param name="Kind">A <see cref="WorkItemKinds"/> value.</param>
/// <param name="Cycle">Cycle number.</param>
/// <param name="TotalBytes">Bytes to copy (0 for a shutdown).</param>
/// <param name="DoneBytes">Bytes copied so far.</param>
/// <param name="StartedAt">Simulated time it started.</param>
/// <param name="Duration">Simulated time it took (when done).</param>
public sealed record TransferView(string WorkItemId, string ServerId, string ServerName, string Kind, int Cycle, long TotalBytes, long DoneBytes, DateTimeOffset StartedAt, TimeSpan? Duration = null)
{
    /// <summary>0 to 100.</summary>
    public double Percent => TotalBytes == 0 ? (Duration is null ? 0 : 100) : 100.0 * DoneBytes / TotalBytes;
}

/// <summary>
/// The simulated replication of an appliance, with no I/O: each work item becomes a transfer whose size comes from
/// the server's disks (an initial seed copies the used part, a delta the data changed since the previous snapshot);
/// the appliance's bandwidth is shared between transfers, pre-failover work weighing most (final delta 4, initial
/// seed 2, delta 1: DOMAIN.md's priority). A source shutdown takes <see cref="ReplicationOptions.ShutdownTime"/>
/// and stops the server's changes, so the final delta after it copies only what changed before. Time is simulated:
/// <see cref="Advance"/> moves it by real time x <see cref="ReplicationOptions.Speedup"/>.
/// </summary>
public sealed class ReplicationModel
{
    private readonly ReplicationOptions _options;
    private readonly Dictionary<string, DiscoveredServer> _servers;
    private readonly Dictionary<string, ServerReplica> _replicas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Transfer> _active = new(StringComparer.Ordinal);

    /// <summary>A model for an appliance that discovered <paramref name="servers"/>, starting at <paramref name="now"/>.</summary>
    public ReplicationModel(ReplicationOptions options, IEnumerable<DiscoveredServer> servers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BandwidthMbps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Speedup);
        _options = options;
        _servers = new Dictionary<string, DiscoveredServer>(StringComparer.Ordinal);
        foreach (var s in servers)
        {
            _servers[s.Id] = s;
        }

        Now = now;
    }

    /// <summary>Simulated now.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The transfers in progress.</summary>
    public IReadOnlyList<TransferView> Active => _active.Values.Select(t => t.View()).OrderBy(t => t.StartedAt).ThenBy(t => t.WorkItemId, StringComparer.Ordinal).ToList();

    /// <summary>Whether a work item is in progress.</summary>
    public bool IsActive(string workItemId) => _active.ContainsKey(workItemId);

    /// <summary>Whether the source server was shut down by a <see cref="WorkItemKinds.SourceShutdown"/>.</summary>
    public bool IsShutDown(string serverId) => _replicas.TryGetValue(serverId, out var r) && r.ShutDownAt is not null;

    /// <summary>Bytes of data on the server (the used part of its disks).</summary>
    public long UsedBytes(string serverId)
    {
        var disks = _servers.TryGetValue(serverId, out var s) && s.Disks.Count > 0 ? s.Disks.Select(d => d.SizeGb) : [_options.DefaultDiskGb];
        return (long)(disks.Sum() * _options.UsedFraction * (1L << 30));
    }

    /// <summary>Starts a work item; false when it is already in progress.</summary>
    public bool Start(string workItemId, string serverId, string kind, int cycle)
    {
        if (_active.ContainsKey(workItemId))
        {
            return false;
        }

        if (!_replicas.TryGetValue(serverId, out var replica))
        {
            _replicas[serverId] = replica = new ServerReplica();
        }

        long total;
        switch (kind)
        {
            case WorkItemKinds.InitialSeed:
                total = UsedBytes(serverId);
                replica.SnapshotAt = Now;
                break;
            case WorkItemKinds.Delta or WorkItemKinds.FinalDelta:
                var since = replica.SnapshotAt ?? Now;
                var until = replica.ShutDownAt is { } down && down < Now ? down : Now;
                var changed = until > since ? UsedBytes(serverId) * _options.ChurnPercentPerHour / 100 * (until - since).TotalHours : 0;
                total = Math.Min(UsedBytes(serverId), Math.Max(_options.MinimumDeltaBytes, (long)changed));
                replica.SnapshotAt = Now;
                break;
            case WorkItemKinds.SourceShutdown:
                total = 0;
                break;
            default:
                throw new ArgumentException($"Unknown work item kind '{kind}'.", nameof(kind));
        }

        var name = _servers.TryGetValue(serverId, out var server) ? server.Name : serverId;
        _active[workItemId] = new Transfer(workItemId, serverId, name, kind, cycle, total, Now);
        return true;
    }

    /// <summary>Drops a work item in progress (cancelled by the hub); false when it was not.</summary>
    public bool Cancel(string workItemId) => _active.Remove(workItemId);

    /// <summary>Moves simulated time by <paramref name="realElapsed"/> x speedup; returns the work items finished meanwhile.</summary>
    public IReadOnlyList<TransferView> Advance(TimeSpan realElapsed)
    {
        if (realElapsed <= TimeSpan.Zero)
        {
            return [];
        }

        var elapsed = realElapsed * _options.Speedup;
        var finished = new List<TransferView>();

        // Shutdowns take a fixed time; they use no bandwidth.
        foreach (var t in _active.Values.Where(t => t.Kind == WorkItemKinds.SourceShutdown).ToList())
        {
            var done = t.StartedAt + _options.ShutdownTime;
            if (done <= Now + elapsed)
            {
                _replicas[t.ServerId].ShutDownAt = done;
                Finish(t, done, finished);
            }
        }

        // Water-filling: every copying transfer gets its weighted share of the capacity; what a finishing one does
        // not need goes to the others, over the tick's time slices.
        var bytesPerSecond = _options.BandwidthMbps * 1_000_000 / 8;
        var clock = Now;
        var end = Now + elapsed;
        while (clock < end)
        {
            var copying = _active.Values.Where(t => t.Kind != WorkItemKinds.SourceShutdown).ToList();
            if (copying.Count == 0)
            {
                break;
            }

            var weight = copying.Sum(t => t.Weight);
            // Time until the first transfer finishes at its current share.
            var slice = copying.Min(t => (t.TotalBytes - t.Done) / (bytesPerSecond * t.Weight / weight));
            var left = (end - clock).TotalSeconds;
            var step = Math.Min(slice, left);
            foreach (var t in copying)
            {
                t.Done += bytesPerSecond * t.Weight / weight * step;
            }

            clock = step >= left ? end : clock + TimeSpan.FromSeconds(step);
            foreach (var t in copying.Where(t => t.TotalBytes - t.Done < 1))
            {
                t.Done = t.TotalBytes;
                Finish(t, clock, finished);
            }
        }

        Now = end;
        return finished;
    }

    private void Finish(Transfer t, DateTimeOffset at, List<TransferView> finished)
    {
        _active.Remove(t.WorkItemId);
        finished.Add(t.View() with { DoneBytes = t.TotalBytes, Duration = at - t.StartedAt });
    }

    private sealed class ServerReplica
    {
        /// <summary>When the last cycle's snapshot was taken (what the next delta copies changes from).</summary>
        public DateTimeOffset? SnapshotAt { get; set; }

        /// <summary>When the source was shut down (no more changes after).</summary>
        public DateTimeOffset? ShutDownAt { get; set; }
    }

    private sealed class Transfer(string workItemId, string serverId, string name, string kind, int cycle, long totalBytes, DateTimeOffset startedAt)
    {
        public string WorkItemId { get; } = workItemId;

        public string ServerId { get; } = serverId;

        public string Kind { get; } = kind;

        public long TotalBytes { get; } = totalBytes;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public double Done { get; set; }

        public double Weight { get; } = kind switch
        {
            WorkItemKinds.FinalDelta => 4,
            WorkItemKinds.InitialSeed => 2,
            _ => 1,
        };

        public TransferView View() => new(WorkItemId, ServerId, name, Kind, cycle, TotalBytes, (long)Math.Min(Done, TotalBytes), StartedAt);
    }
}
