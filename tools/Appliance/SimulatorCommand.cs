using System.CommandLine;
using System.Globalization;
using MigrateHub.Shared.Discovery;
using MigrateHub.Shared.Discovery.Simulation;
using MigrateHub.Shared.Inventory;
using Spectre.Console;

namespace MigrateHub.Appliance;

/// <summary>The command line of the simulator.</summary>
internal static class SimulatorCommand
{
    public static RootCommand Create()
    {
        var hub = new Option<string>("--hub") { Description = "Base URL of the hub (DevHost or Function App).", DefaultValueFactory = _ => "http://127.0.0.1:7071/" };
        var key = new Option<string>("--key") { Description = "User key (x-functions-key) to create the project and register the appliance.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MIGRATEHUB_FUNCTION_KEY") ?? "local-dev-key" };
        var project = new Option<string>("--project") { Description = "Project name (created if missing).", Required = true };
        var geography = new Option<string>("--geography") { Description = "Geography of a new project.", DefaultValueFactory = _ => "Europe" };
        var appliance = new Option<string>("--appliance") { Description = "Appliance name (up to 14 letters, digits, hyphens).", DefaultValueFactory = _ => "sim-appliance" };
        var sourceType = new Option<string>("--source-type") { Description = "VMware, HyperV, Physical or Other.", DefaultValueFactory = _ => "VMware" };
        var credential = new Option<string?>("--credential") { Description = "Credential of an appliance registered before (it is shown only once)." };
        var credentialFile = new Option<FileInfo?>("--credential-file") { Description = "File that keeps the appliance credential: read if it exists, written after a new registration (for the replicate and migrate commands)." };
        var rvtools = new Option<FileInfo?>("--rvtools") { Description = "Estate from an RVTools XLSX export." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Estate from an Azure Migrate import CSV." };
        var generate = new Option<int?>("--generate") { Description = "Generate an estate of N VMware servers." };
        var perfDays = new Option<int>("--perf-days") { Description = "Days of performance history to send (0-31).", DefaultValueFactory = _ => 30 };
        var dependencyDays = new Option<int>("--dependency-days") { Description = "Days of dependency data to send.", DefaultValueFactory = _ => 2 };
        var traces = new Option<FileInfo?>("--traces") { Description = "10-minute peak utilization traces (default: samples/utilization/*_10min_peak.csv.gz)." };
        var heartbeat = new Option<int>("--heartbeat-seconds") { Description = "Seconds between heartbeats.", DefaultValueFactory = _ => 60 };
        var update = new Option<int>("--update-minutes") { Description = "Minutes between periodic updates (inventory and new performance points).", DefaultValueFactory = _ => 15 };
        var once = new Option<bool>("--once") { Description = "Send the estate and exit (no heartbeats or updates)." };

        var root = new RootCommand("MigrateHub appliance simulator: plays an on-premises appliance against a hub.")
        {
            hub, key, project, geography, appliance, sourceType, credential, credentialFile, rvtools, csv, generate, perfDays, dependencyDays, traces, heartbeat, update, once,
        };
        root.Subcommands.Add(ReplicationCommands.CreateReplicate());
        root.Subcommands.Add(ReplicationCommands.CreateMigrate());
        root.SetAction(async (parse, cancellationToken) =>
        {
            var sources = new object?[] { parse.GetValue(rvtools), parse.GetValue(csv), parse.GetValue(generate) }.Count(v => v is not null);
            if (sources != 1)
            {
                AnsiConsole.MarkupLine("[red]Give exactly one of --rvtools FILE, --csv FILE or --generate N.[/]");
                return 2;
            }

            var days = Math.Clamp(parse.GetValue(perfDays), 0, 31);
            var tracePath = parse.GetValue(traces)?.FullName
                ?? (EstateBuilder.FindSamples() is { } samples ? Path.Combine(samples, "utilization", "bitbrains_rnd_2013-7_vm1-5_10min_peak.csv.gz") : null);
            if (days > 0 && (tracePath is null || !File.Exists(tracePath)))
            {
                AnsiConsole.MarkupLine("[red]Utilization traces not found; pass --traces FILE or --perf-days 0.[/]");
                return 2;
            }

            var servers = parse.GetValue(rvtools) is { } x ? EstateBuilder.FromRvTools(x.FullName)
                : parse.GetValue(csv) is { } c ? EstateBuilder.FromCsv(c.FullName)
                : EstateBuilder.Generate(parse.GetValue(generate)!.Value);
            var traceList = days > 0 ? UtilizationTrace.Load(tracePath!) : [];
            var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(hub)!), Timeout = TimeSpan.FromMinutes(5) };
            var file = parse.GetValue(credentialFile);
            var known = parse.GetValue(credential) ?? (file is { Exists: true } ? (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim() : null);
            known = string.IsNullOrWhiteSpace(known) ? null : known;
            using var client = new ApplianceClient(http, parse.GetValue(key)!, parse.GetValue(project)!, parse.GetValue(appliance)!) { Credential = known };
            try
            {
                AnsiConsole.MarkupLine($"Hub [blue]{Markup.Escape(http.BaseAddress.ToString())}[/], project [blue]{Markup.Escape(client.Project)}[/], appliance [blue]{Markup.Escape(client.Appliance)}[/]: {servers.Count} servers, {days} days of performance.");
                await client.EnsureProjectAsync(parse.GetValue(geography)!, cancellationToken);
                await client.RegisterAsync(parse.GetValue(sourceType)!, cancellationToken);
                if (file is not null && client.Credential != known)
                {
                    await SaveCredentialAsync(file, client.Credential!, cancellationToken);
                    AnsiConsole.MarkupLine($"Appliance credential kept in [blue]{Markup.Escape(file.FullName)}[/].");
                }
                var runId = "sim-" + DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
                var started = DateTimeOffset.UtcNow;
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        var progress = new Progress<SimulatorProgress>(p =>
                        {
                            if (!tasks.TryGetValue(p.Step, out var t))
                            {
                                tasks[p.Step] = t = ctx.AddTask(p.Step, maxValue: Math.Max(p.Total, 1));
                            }

                            t.MaxValue = Math.Max(p.Total, 1);
                            t.Value = p.Done;
                        });
                        await new Simulator(client).SendEstateAsync(servers, traceList, started, days, parse.GetValue(dependencyDays), runId, progress, cancellationToken);
                    });
                AnsiConsole.MarkupLine($"[green]Estate ingested[/] in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s. Servers: {http.BaseAddress}api/projects/{Markup.Escape(client.Project)}/servers");
                if (parse.GetValue(once))
                {
                    return 0;
                }

                await KeepAliveAsync(client, servers, traceList, started, TimeSpan.FromSeconds(parse.GetValue(heartbeat)), TimeSpan.FromMinutes(parse.GetValue(update)), runId, cancellationToken);
                return 0;
            }
            catch (HubCallException ex)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(ex.Message)}[/]");
                return 1;
            }
            catch (OperationCanceledException)
            {
                AnsiConsole.MarkupLine("Stopped.");
                return 0;
            }
        });
        return root;
    }

    /// <summary>Writes the credential to a file only the user can read.</summary>
    private static async Task SaveCredentialAsync(FileInfo file, string credential, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(file.FullName, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(credential.AsMemory(), cancellationToken);
    }

    /// <summary>Heartbeats, and at each update interval a complete inventory plus the new performance points.</summary>
    private static async Task KeepAliveAsync(
        ApplianceClient client, IReadOnlyList<DiscoveredServer> servers, IReadOnlyList<UtilizationTrace> traces, DateTimeOffset sentUntil,
        TimeSpan heartbeat, TimeSpan update, string runId, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"Sending heartbeats every {heartbeat.TotalSeconds:0} s and updates every {update.TotalMinutes:0} min; Ctrl+C stops.");
        var nextUpdate = DateTimeOffset.UtcNow + update;
        var cycle = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await client.HeartbeatAsync(servers.Count, cancellationToken);
            if (DateTimeOffset.UtcNow >= nextUpdate)
            {
                cycle++;
                var now = DateTimeOffset.UtcNow;
                var inventory = servers.Select(s => s with { LastDiscoveredAt = now }).ToList();
                await client.UploadAsync($"{runId}-update{cycle}-inventory", new UploadPayload { Kind = UploadKinds.Inventory, Complete = true, Servers = inventory }, cancellationToken);
                if (traces.Count > 0)
                {
                    var perf = servers.Select((s, i) => new ServerPerformance(s.Id, EstateBuilder.Performance(s, i + cycle, traces, now, 1).Where(p => p.Timestamp > sentUntil).ToList()))
                        .Where(p => p.Points!.Count > 0).ToList();
                    foreach (var (chunk, n) in perf.Chunk(25).Select((c, n) => (c, n)))
                    {
                        await client.UploadAsync($"{runId}-update{cycle}-perf{n}", new UploadPayload { Kind = UploadKinds.Performance, Performance = chunk }, cancellationToken);
                    }
                }

                sentUntil = now;
                nextUpdate = now + update;
                AnsiConsole.MarkupLine($"{now:HH:mm:ss} update {cycle} sent ({servers.Count} servers).");
            }

            await Task.Delay(heartbeat, cancellationToken);
        }
    }
}
