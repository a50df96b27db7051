using System.Net;
using MigrateHub.Shared.Inventory;

namespace MigrateHub.Appliance.Replication;

/// <summary>How the agent polls and reports.</summary>
public sealed record AgentOptions
{
    /// <summary>Time between pulls of the work-item endpoint.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time between heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between steps (transfers advance, finished work is reported).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most work items asked for per pull (the hub allows 500).</summary>
    public int PullMax { get; init; } = 500;

    /// <summary>Percent of cycles reported as failed (a simulated replication error); 0 by default.</summary>
    public double FailurePercent { get; init; }

    /// <summary>Seed of the failure draw.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>An initial seed's progress is reported to the hub each time it crosses another this many percent (0: never).</summary>
    public double ProgressPercentStep { get; init; } = 5;

    /// <summary>Least real time between two progress reports of one work item.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What happened in the agent (for a display or a log).</summary>
/// <param name="Kind">Started, Reported, Failed, Gone, Cancelled, Heartbeat, Error.</param>
/// <param name="Transfer">The work item concerned, if any.</param>
/// <param name="Message">Details.</param>
public sealed record AgentEvent(string Kind, TransferView? Transfer = null, string? Message = null);

/// <summary>A snapshot of the agent for the progress display.</summary>
public sealed record AgentStatus(
    IReadOnlyList<TransferView> Active, IReadOnlyDictionary<string, int> CompletedByKind, long BytesTransferred, int Reported, int FailedReports, int Gone,
    int Cancelled, int Pulls, int PullErrors, int Heartbeats, int HeartbeatErrors, int ReportsWaiting, string? LastError, DateTimeOffset SimulatedNow)
{
    /// <summary>Progress reports the hub stored (or kept a later one of).</summary>
    public int ProgressReports { get; init; }

    /// <summary>Progress reports the hub could not take (retried at the next step due).</summary>
    public int ProgressErrors { get; init; }
}

/// <summary>
/// The appliance answering its work items: pulls them every <see cref="AgentOptions.PollInterval"/>, replicates them in a
/// <see cref="ReplicationModel"/>, reports each when done (retrying until the hub stores it), drops work the hub no longer
/// lists (cancelled), reports the progress of initial seeds while they copy (<see cref="ProgressSchedule"/>), and sends heartbeats. <see cref="RunAsync"/> loops until cancelled; <see cref="StepAsync"/> is one turn.
/// </summary>
public sealed class ReplicationAgent
{
    private readonly IWorkItemHub _hub;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ReplicationModel _model;
    private readonly int _discovered;
    private readonly Random _random;
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
    private readonly List<TransferView> _toReport = [];
    private readonly Dictionary<string, bool> _outcome = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _completed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ProgressSchedule _progress;
    private DateTimeOffset _lastStep;
    private DateTimeOffset _nextPull;
    private DateTimeOffset _nextHeartbeat;
    private long _bytes;
    private int _reported, _failedReports, _gone, _cancelled, _pulls, _pullErrors, _heartbeats, _heartbeatErrors, _progressReports, _progressErrors;
    private string? _lastError;

    /// <summary>An agent for an appliance that discovered <paramref name="servers"/> (their disks size the transfers).</summary>
    public ReplicationAgent(IWorkItemHub hub, IReadOnlyCollection<DiscoveredServer> servers, ReplicationOptions replication, AgentOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(options);
        _hub = hub;
        _options = options;
        _time = time ?? TimeProvider.System;
        _lastStep = _nextPull = _nextHeartbeat = _time.GetUtcNow();
        _model = new ReplicationModel(replication, servers, _lastStep);
        _discovered = servers.Count;
        _random = new Random(options.Seed);
        _progress = new ProgressSchedule(options.ProgressPercentStep, options.ProgressInterval);
    }

    /// <summary>Raised for each thing that happens (on the agent's loop).</summary>
    public event Action<AgentEvent>? Changed;

    /// <summary>A snapshot for a display (safe from another thread).</summary>
    public AgentStatus Status()
    {
        lock (_gate)
        {
            return new AgentStatus(_model.Active, new Dictionary<string, int>(_completed), _bytes, _reported, _failedReports, _gone, _cancelled,
                _pulls, _pullErrors, _heartbeats, _heartbeatErrors, _toReport.Count, _lastError, _model.Now)
            {
                ProgressReports = _progressReports,
                ProgressErrors = _progressErrors,
            };
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (then returns, without throwing).</summary>
    /// <exception cref="WorkItemHubException">The hub refused the credential (401/403).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await StepAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_options.TickInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One turn: advance the transfers, report what finished and the progress of seeds, pull and send a heartbeat when due.</summary>
    public async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<TransferView> finished;
        lock (_gate)
        {
            finished = _model.Advance(now - _lastStep);
            _lastStep = now;
            foreach (var f in finished)
            {
                _outcome[f.WorkItemId] = !(_options.FailurePercent > 0 && _random.NextDouble() * 100 < _options.FailurePercent);
                _toReport.Add(f);
            }
        }

        await ReportAsync(cancellationToken).ConfigureAwait(false);
        await ReportProgressAsync(now, cancellationToken).ConfigureAwait(false);
        if (now >= _nextPull)
        {
            _nextPull = now + _options.PollInterval;
            await PullAsync(cancellationToken).ConfigureAwait(false);
        }

        if (now >= _nextHeartbeat)
        {
            _nextHeartbeat = now + _options.HeartbeatInterval;
            try
            {
                await _hub.HeartbeatAsync(_discovered, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _heartbeats++;
                }

                Changed?.Invoke(new AgentEvent("Heartbeat"));
            }
            catch (Exception ex) when (ex is HttpRequestException or WorkItemHubException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Error(ref _heartbeatErrors, "heartbeat: " + ex.Message);
            }
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        List<TransferView> batch;
        lock (_gate)
        {
            batch = [.. _toReport];
        }

        foreach (var chunk in batch.Chunk(16))
        {
            var outcomes = await Task.WhenAll(chunk.Select(async t =>
            {
                var ok = _outcome[t.WorkItemId];
                var outcome = await _hub.ReportAsync(t.WorkItemId, ok, ok ? null : $"Simulated replication error on {t.ServerName} ({t.Kind} {t.Cycle}).",
                    ok ? t.TotalBytes : t.TotalBytes / 2, cancellationToken).ConfigureAwait(false);
                return (t, ok, outcome);
            })).ConfigureAwait(false);
            foreach (var (t, ok, outcome) in outcomes)
            {
                if (outcome == ReportOutcome.Retry)
                {
                    continue;
                }

                lock (_gate)
                {
                    _toReport.Remove(t);
                    _outcome.Remove(t.WorkItemId);
                    _closed.Add(t.WorkItemId);
                    if (outcome == ReportOutcome.Gone)
                    {
                        _gone++;
                    }
                    else if (ok)
                    {
                        _reported++;
                        _bytes += t.TotalBytes;
                        _completed[t.Kind] = _completed.GetValueOrDefault(t.Kind) + 1;
                    }
                    else
                    {
                        _failedReports++;
                    }
                }

                Changed?.Invoke(new AgentEvent(outcome == ReportOutcome.Gone ? "Gone" : ok ? "Reported" : "Failed", t));
            }
        }
    }

    private async Task ReportProgressAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_progress.Enabled)
        {
            return;
        }

        List<TransferView> due;
        lock (_gate)
        {
            var active = _model.Active;
            _progress.Retain(active.Select(t => t.WorkItemId));
            due = active.Where(t => t.Kind == Shared.Migration.WorkItemKinds.InitialSeed && _progress.Due(t, now)).ToList();
            foreach (var t in due)
            {
                // Recorded before the call: a failed attempt waits for the interval and the next step too.
                _progress.Sent(t, now);
            }
        }

        foreach (var chunk in due.Chunk(16))
        {
            var outcomes = await Task.WhenAll(chunk.Select(async t =>
                (t, outcome: await _hub.ProgressAsync(t.WorkItemId, t.DoneBytes, t.TotalBytes, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            var cancelled = new List<TransferView>();
            lock (_gate)
            {
                foreach (var (t, outcome) in outcomes)
                {
                    switch (outcome)
                    {
                        case ReportOutcome.Accepted:
                            _progressReports++;
                            break;
                        case ReportOutcome.Gone:
                            // The hub cancelled it (or no longer has it): stop copying now rather than at the next pull.
                            if (_model.Cancel(t.WorkItemId))
                            {
                                _closed.Add(t.WorkItemId);
                                _cancelled++;
                                cancelled.Add(t);
                            }

                            break;
                        case ReportOutcome.Retry:
                            _progressErrors++;
                            break;
                        default:
                            break;
                    }
                }
            }

            foreach (var t in cancelled)
            {
                Changed?.Invoke(new AgentEvent("Cancelled", t));
            }
        }
    }

    private async Task PullAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PulledWorkItem> items;
        try
        {
            items = await _hub.PullAsync(_options.PullMax, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkItemHubException ex) when (ex.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or WorkItemHubException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Error(ref _pullErrors, "pull: " + ex.Message);
            return;
        }

        var started = new List<TransferView>();
        var cancelled = new List<TransferView>();
        lock (_gate)
        {
            _pulls++;
            var listed = new HashSet<string>(items.Select(i => i.Id), StringComparer.Ordinal);
            // A full page may leave work out; otherwise work in progress that is no longer pending was cancelled.
            if (items.Count < _options.PullMax)
            {
                foreach (var t in _model.Active.Where(t => !listed.Contains(t.WorkItemId)))
                {
                    _model.Cancel(t.WorkItemId);
                    _closed.Add(t.WorkItemId);
                    _cancelled++;
                    cancelled.Add(t);
                }
            }

            foreach (var item in items)
            {
                if (_closed.Contains(item.Id) || _toReport.Any(t => t.WorkItemId == item.Id) || _model.IsActive(item.Id))
                {
                    continue;
                }

                try
                {
                    _model.Start(item.Id, item.ServerId, item.Kind, item.Cycle);
                    started.Add(_model.Active.Single(t => t.WorkItemId == item.Id));
                }
                catch (ArgumentException ex)
                {
                    // A kind this simulator does not know: leave it to a newer appliance.
                    _closed.Add(item.Id);
                    _lastError = ex.Message;
                }
            }
        }

        foreach (var t in cancelled)
        {
            Changed?.Invoke(new AgentEvent("Cancelled", t));
        }

        foreach (var t in started)
        {
            Changed?.Invoke(new AgentEvent("Started", t));
        }
    }

    private void Error(ref int counter, string message)
    {
        lock (_gate)
        {
            counter++;
            _lastError = message;
        }

        Changed?.Invoke(new AgentEvent("Error", Message: message));
    }
}
