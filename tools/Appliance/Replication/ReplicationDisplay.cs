using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MigrateHub.Appliance.Replication;

/// <summary>
/// Shows an agent's work (and a journey's progress): a live table on an interactive terminal, otherwise a line per
/// event (work started, reported, cancelled, errors; journey steps as servers finish them).
/// </summary>
internal sealed class ReplicationDisplay
{
    private readonly ReplicationAgent _agent;
    private readonly string _title;
    private readonly double _speedup;
    private readonly DateTimeOffset _simStart;
    private readonly Lock _gate = new();
    private JourneyProgress? _journey;
    private string? _lastJourneyLine;

    public ReplicationDisplay(ReplicationAgent agent, string title, double speedup)
    {
        _agent = agent;
        _title = title;
        _speedup = speedup;
        _simStart = agent.Status().SimulatedNow;
        Interactive = AnsiConsole.Profile.Capabilities.Interactive;
        if (!Interactive)
        {
            agent.Changed += OnEvent;
        }
    }

    public bool Interactive { get; }

    /// <summary>Journey progress to show (from another task).</summary>
    public void Report(JourneyProgress progress)
    {
        string? line = null;
        lock (_gate)
        {
            _journey = progress;
            if (!Interactive)
            {
                var text = $"{DateTime.UtcNow:HH:mm:ss} [{progress.Step}] {progress.Done}/{progress.Total} servers done";
                if (text[9..] != _lastJourneyLine)
                {
                    _lastJourneyLine = text[9..];
                    line = text;
                }
            }
        }

        if (line is not null)
        {
            AnsiConsole.WriteLine(line);
        }
    }

    /// <summary>Runs <paramref name="work"/> with the display live (interactive) until it ends.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (!Interactive)
        {
            return await work().ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                ctx.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(250)).ConfigureAwait(false);
            }

            ctx.UpdateTarget(Render());
            result = await task.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    private void OnEvent(AgentEvent e)
    {
        var t = e.Transfer;
        var now = DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var line = e.Kind switch
        {
            "Started" => $"{now} appliance: {t!.ServerName} {Work(t)} started ({MigrationJourney.Bytes(t.TotalBytes)} to copy)",
            "Reported" => $"{now} appliance: {t!.ServerName} {Work(t)} done in {Simulated(t.Duration ?? TimeSpan.Zero)} simulated, reported",
            "Failed" => $"{now} appliance: {t!.ServerName} {Work(t)} reported failed",
            "Cancelled" => $"{now} appliance: {t!.ServerName} {Work(t)} cancelled by the hub",
            "Gone" => $"{now} appliance: {t!.ServerName} {Work(t)} no longer wanted by the hub",
            "Error" => $"{now} appliance: {e.Message} (retrying)",
            _ => null,
        };
        if (line is not null)
        {
            AnsiConsole.WriteLine(line);
        }
    }

    private IRenderable Render()
    {
        var s = _agent.Status();
        var header = new Markup(
            $"[bold]{Markup.Escape(_title)}[/]  simulated time +{Simulated(s.SimulatedNow - _simStart)} (x{_speedup.ToString("0.##", CultureInfo.InvariantCulture)})  " +
            $"pulls {s.Pulls}  heartbeats {s.Heartbeats}  progress sent {s.ProgressReports}" + (s.ProgressErrors > 0 ? $" ([yellow]{s.ProgressErrors} not taken[/])" : "") +
            $"  reported {s.Reported}" + (s.FailedReports > 0 ? $" ([red]{s.FailedReports} failed[/])" : "") +
            (s.Cancelled > 0 ? $"  cancelled {s.Cancelled}" : "") + $"  copied {MigrationJourney.Bytes(s.BytesTransferred)}" +
            (s.LastError is null ? "" : $"\n[yellow]last error: {Markup.Escape(s.LastError)}[/]"));
        var table = new Table().Border(TableBorder.Simple).AddColumns("Server", "Work item", "Progress", "Copied", "Sim. time");
        foreach (var t in s.Active.Take(25))
        {
            table.AddRow(
                Markup.Escape(t.ServerName), Markup.Escape(Work(t)), Bar(t.Percent),
                t.TotalBytes == 0 ? "-" : $"{MigrationJourney.Bytes(t.DoneBytes)} / {MigrationJourney.Bytes(t.TotalBytes)}",
                Simulated(s.SimulatedNow - t.StartedAt));
        }

        if (s.Active.Count > 25)
        {
            table.AddRow($"... {s.Active.Count - 25} more", "", "", "", "");
        }

        if (s.Active.Count == 0)
        {
            table.AddRow("[grey](idle: waiting for work items)[/]", "", "", "", "");
        }

        var rows = new List<IRenderable> { header, table };
        JourneyProgress? journey;
        lock (_gate)
        {
            journey = _journey;
        }

        if (journey is not null)
        {
            rows.Add(new Markup($"[bold]Migration step: {Markup.Escape(journey.Step)}[/]  {journey.Done}/{journey.Total} servers done"));
            var items = new Table().Border(TableBorder.Simple).AddColumns("Server", "State", "Migration state", "Test", "Deltas", "Health");
            foreach (var (id, item) in journey.Items.OrderBy(i => MigrationJourney.S(i.Value, "serverName"), StringComparer.OrdinalIgnoreCase).Take(20))
            {
                var name = MigrationJourney.S(item, "serverName");
                items.AddRow(Markup.Escape(name.Length > 0 && name != id ? name : id), Markup.Escape(MigrationJourney.S(item, "state")), Markup.Escape(MigrationJourney.S(item, "migrationState")),
                    Markup.Escape(MigrationJourney.S(item, "testMigrateState")), (item["deltaCyclesCompleted"]?.GetValue<int>() ?? 0).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(MigrationJourney.S(item, "health")));
            }

            rows.Add(items);
        }

        return new Rows(rows);
    }

    private static string Work(TransferView t) => t.Kind == "InitialSeed" ? "initial seed" : $"{t.Kind} #{t.Cycle}";

    private static string Bar(double percent)
    {
        var filled = (int)Math.Round(Math.Clamp(percent, 0, 100) / 5);
        return $"[green]{new string('━', filled)}[/][grey]{new string('━', 20 - filled)}[/] {percent,3:0}%";
    }

    /// <summary>A simulated duration, e.g. 3h12m or 45s.</summary>
    public static string Simulated(TimeSpan t) => t.TotalHours >= 1
        ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0}s";
}
