namespace MigrateHub.Appliance.Replication;

/// <summary>
/// When the appliance reports a transfer's progress to the hub (<c>POST workItems/{id}/progress</c>): each time it
/// crosses another <c>percentStep</c> percent, at most once per <c>minInterval</c> of real time per work item (a fast
/// simulation crosses several steps in one report, which carries the latest bytes). Only copying work (an initial seed
/// and the like, with bytes to copy) is reported; nothing at 0 % (the hub shows 0 without a report) and nothing at
/// 100 % (the report of the work item follows). Pure: the caller passes the time and records what it sent.
/// </summary>
public sealed class ProgressSchedule
{
    private readonly double _percentStep;
    private readonly TimeSpan _minInterval;
    private readonly Dictionary<string, (int Step, DateTimeOffset At)> _sent = new(StringComparer.Ordinal);

    /// <summary>A schedule reporting every <paramref name="percentStep"/> percent (0: never), at most once per <paramref name="minInterval"/>.</summary>
    public ProgressSchedule(double percentStep, TimeSpan minInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentStep, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(minInterval, TimeSpan.Zero);
        _percentStep = percentStep;
        _minInterval = minInterval;
    }

    /// <summary>Whether progress is reported at all.</summary>
    public bool Enabled => _percentStep > 0;

    /// <summary>The step a transfer has reached (completed percent steps), or 0.</summary>
    public int StepOf(TransferView transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        return !Enabled || transfer.TotalBytes <= 0 || transfer.DoneBytes >= transfer.TotalBytes
            ? 0
            : (int)Math.Floor(transfer.Percent / _percentStep);
    }

    /// <summary>Whether <paramref name="transfer"/>'s progress is due to be reported at <paramref name="now"/>.</summary>
    public bool Due(TransferView transfer, DateTimeOffset now)
    {
        var step = StepOf(transfer);
        if (step <= 0)
        {
            return false;
        }

        return !_sent.TryGetValue(transfer.WorkItemId, out var last) || (step > last.Step && now - last.At >= _minInterval);
    }

    /// <summary>Records that <paramref name="transfer"/>'s progress was sent (or tried: a failed attempt waits for the interval too).</summary>
    public void Sent(TransferView transfer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        _sent[transfer.WorkItemId] = (StepOf(transfer), now);
    }

    /// <summary>Forgets work items no longer in progress.</summary>
    public void Retain(IEnumerable<string> activeWorkItemIds)
    {
        var keep = new HashSet<string>(activeWorkItemIds, StringComparer.Ordinal);
        foreach (var id in _sent.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            _sent.Remove(id);
        }
    }
}
